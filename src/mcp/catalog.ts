// The tool catalogue: which upstream serves a tool name, and the merged tools/list the agent sees.
// One upstream: names unchanged. Several: "<namespace>__<tool>", routed by the prefix.
import { type CompiledPolicy, isToolVisible } from "../policy";
import type { GatewayCtx } from "./context";
import { forwardOptions } from "./context";
import type { JsonRpcId } from "./jsonrpc";
import { RPC, rpcError, rpcResult } from "./jsonrpc";
import type { Tenant } from "./tenant";
import { forward, readReply, type UpstreamTarget } from "./upstream";

export const NAMESPACE_SEPARATOR = "__";

function visible(policy: CompiledPolicy | null, name: string): boolean {
  return policy === null || isToolVisible(policy, name);
}
const MAX_PAGES = 20;

export type ToolRoute = { upstream: Tenant["upstreams"][number]; upstreamTool: string };

export function routeTool(tenant: Tenant, name: string): ToolRoute | null {
  if (tenant.upstreams.length === 1) return { upstream: tenant.upstreams[0]!, upstreamTool: name };
  for (const upstream of tenant.upstreams) {
    const prefix = upstream.namespace + NAMESPACE_SEPARATOR;
    if (name.startsWith(prefix) && name.length > prefix.length) {
      return { upstream, upstreamTool: name.slice(prefix.length) };
    }
  }
  return null;
}

export function exposedName(tenant: Tenant, upstream: UpstreamTarget, tool: string): string {
  return tenant.upstreams.length === 1 ? tool : upstream.namespace + NAMESPACE_SEPARATOR + tool;
}

type Tool = { name: string; _meta?: Record<string, unknown>; [k: string]: unknown };

/** tools/list: merged, filtered by the policy's `hide`, paid tools marked where a price is configured. */
export async function listTools(g: GatewayCtx, id: JsonRpcId, params: unknown, extraTools: Tool[]) {
  const single = g.tenant.upstreams.length === 1;
  const cursor = single ? (params as { cursor?: unknown } | undefined)?.cursor : undefined;
  const tools: Tool[] = [];
  let nextCursor: string | undefined;
  for (const upstream of g.tenant.upstreams) {
    const page = await fetchTools(
      g,
      upstream,
      single ? (typeof cursor === "string" ? cursor : undefined) : undefined,
      single,
    );
    if ("error" in page)
      return rpcError(id, RPC.UPSTREAM_ERROR, `Upstream "${upstream.namespace}": ${page.error}`);
    for (const tool of page.tools) {
      const name = exposedName(g.tenant, upstream, tool.name);
      if (!visible(g.tenant.policy, name)) continue;
      const price = upstream.toolPrices[tool.name];
      const meta = price ? { ...(tool._meta ?? {}), "tollgate/price": price } : tool._meta;
      tools.push({ ...tool, name, ...(meta ? { _meta: meta } : {}) });
    }
    nextCursor = page.nextCursor;
  }
  if (!cursor) tools.push(...extraTools.filter((t) => visible(g.tenant.policy, t.name)));
  return rpcResult(id, { tools, ...(single && nextCursor ? { nextCursor } : {}) });
}

async function fetchTools(
  g: GatewayCtx,
  upstream: UpstreamTarget,
  cursor: string | undefined,
  onePage: boolean,
): Promise<{ tools: Tool[]; nextCursor?: string } | { error: string }> {
  const tools: Tool[] = [];
  let next = cursor;
  for (let page = 0; page < MAX_PAGES; page++) {
    const reqId = `tg-list-${page}`;
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: reqId,
      method: "tools/list",
      params: next ? { cursor: next } : {},
    });
    const sent = await forward(upstream, body, forwardOptions(g, upstream.id));
    if (!sent.ok) return { error: sent.message };
    const reply = await readReply(sent.response, reqId);
    if (!reply.ok) return { error: reply.message };
    if ("error" in reply.message) return { error: (reply.message.error as { message: string }).message };
    const result = reply.message.result as { tools?: unknown; nextCursor?: unknown };
    if (!Array.isArray(result?.tools)) return { error: "tools/list result has no tools array" };
    for (const t of result.tools) {
      if (t && typeof t === "object" && typeof (t as Tool).name === "string") tools.push(t as Tool);
    }
    next = typeof result.nextCursor === "string" ? result.nextCursor : undefined;
    if (onePage || !next) return { tools, ...(next ? { nextCursor: next } : {}) };
  }
  return { tools };
}
