// The tool catalogue: which upstream serves a tool name, and the merged tools/list the agent sees.
// Each upstream's stored tool prefix (null = names unchanged) makes its names, so adding an upstream
// renames nothing; a name two upstreams could serve is left out of tools/list and refused in tools/call.

import { type CompiledPolicy, isToolVisible } from "../policy";
import { TtlCache } from "../ttl-cache";
import type { GatewayCtx } from "./context";
import { forwardOptions } from "./context";
import type { JsonRpcId, JsonRpcRequest } from "./jsonrpc";
import { RPC, rpcError, rpcResult } from "./jsonrpc";
import { jsonResponse } from "./respond";
import type { Tenant } from "./tenant";
import { ambiguityMessage, exposed, resolveName, rivalsToCheck } from "./tool-names";
import { type ForwardOptions, forward, readReply } from "./upstream";

/** The default prefix separator: a later upstream's default prefix is `<namespace>__`. */
export const NAMESPACE_SEPARATOR = "__";

type TenantUpstream = Tenant["upstreams"][number];
export type ToolRoute = { upstream: TenantUpstream; upstreamTool: string };
export type Tool = { name: string; _meta?: Record<string, unknown>; [k: string]: unknown };

const MAX_PAGES = 20;
const LISTED_TTL_MS = 30_000;

// Which tool names each upstream listed lately (per isolate), so routing can refuse a name another
// upstream also serves without a tools/list on every call. Filled by tools/list and the call pre-check.
const listedCache = new TtlCache<string, ReadonlySet<string>>(LISTED_TTL_MS, 5_000);

function rememberListed(upstreamId: string, tools: Tool[], now: number): void {
  listedCache.set(upstreamId, new Set(tools.map((t) => t.name)), now);
}

function cachedListed(upstreamId: string): ReadonlySet<string> | undefined {
  return listedCache.get(upstreamId, Date.now());
}

function visible(policy: CompiledPolicy | null, name: string): boolean {
  return policy === null || isToolVisible(policy, name);
}

/** Sync routing for tools/call; null when no upstream, or more than one, serves `name`. */
export function routeTool(tenant: Tenant, name: string): ToolRoute | null {
  const r = resolveName(tenant.upstreams, name, cachedListed);
  return r.ok ? { upstream: r.upstream, upstreamTool: r.upstreamTool } : null;
}

export function exposedName(_tenant: Tenant, upstream: TenantUpstream, tool: string): string {
  return exposed(upstream, tool);
}

/**
 * tools/call pre-check (dispatch, before toolsCall): when another upstream's prefix also fits `name`,
 * reads that upstream's list (cached) and refuses the name if both serve it. null: go on.
 */
export async function refuseAmbiguousCall(g: GatewayCtx, req: JsonRpcRequest): Promise<Response | null> {
  const name = (req.params as { name?: unknown } | undefined)?.name;
  if (typeof name !== "string") return null;
  const rivals = rivalsToCheck(g.tenant.upstreams, name).filter((u) => !cachedListed(u.id));
  await Promise.all(
    rivals.map(async (u) => {
      const page = await fetchTools(u, undefined, false, forwardOptions(g, u.id));
      // An unreachable rival cannot serve the call either; the claimed upstream gets it.
      if (!("error" in page)) rememberListed(u.id, page.tools, Date.now());
    }),
  );
  const r = resolveName(g.tenant.upstreams, name, cachedListed);
  if (r.ok || r.reason === "unknown") return null;
  return jsonResponse(rpcError(req.id, RPC.INVALID_PARAMS, ambiguityMessage(name, r.upstreams)));
}

export type ExposedTool = { name: string; upstream: TenantUpstream; tool: Tool };

/**
 * The names agents see: each upstream's tools under its prefix, minus names another upstream could
 * also serve and names taken by the gateway's own tools (dispatch answers those first).
 */
export function exposedTools(
  upstreams: readonly TenantUpstream[],
  lists: ReadonlyMap<string, Tool[]>,
  reserved: ReadonlySet<string>,
): ExposedTool[] {
  const sets = new Map([...lists].map(([id, tools]) => [id, new Set(tools.map((t) => t.name))]));
  const out: ExposedTool[] = [];
  for (const upstream of upstreams) {
    for (const tool of lists.get(upstream.id) ?? []) {
      const name = exposed(upstream, tool.name);
      if (reserved.has(name)) continue;
      const r = resolveName(upstreams, name, (id) => sets.get(id));
      if (r.ok && r.upstream.id === upstream.id) out.push({ name, upstream, tool });
    }
  }
  return out;
}

/** tools/list: merged, filtered by the policy's `hide`, paid tools marked where a price is configured. */
export async function listTools(g: GatewayCtx, id: JsonRpcId, params: unknown, extraTools: Tool[]) {
  const single = g.tenant.upstreams.length === 1;
  const raw = single ? (params as { cursor?: unknown } | undefined)?.cursor : undefined;
  const cursor = typeof raw === "string" ? raw : undefined;
  const lists = new Map<string, Tool[]>();
  let nextCursor: string | undefined;
  for (const upstream of g.tenant.upstreams) {
    const page = await fetchTools(upstream, cursor, single, forwardOptions(g, upstream.id));
    if ("error" in page)
      return rpcError(id, RPC.UPSTREAM_ERROR, `Upstream "${upstream.namespace}": ${page.error}`);
    lists.set(upstream.id, page.tools);
    if (!cursor && !page.nextCursor) rememberListed(upstream.id, page.tools, Date.now());
    nextCursor = page.nextCursor;
  }
  const tools: Tool[] = [];
  const reserved = new Set(extraTools.map((t) => t.name));
  for (const { name, upstream, tool } of exposedTools(g.tenant.upstreams, lists, reserved)) {
    if (!visible(g.tenant.policy, name)) continue;
    const price = upstream.toolPrices[tool.name];
    const meta = price ? { ...(tool._meta ?? {}), "tollgate/price": price } : tool._meta;
    tools.push({ ...tool, name, ...(meta ? { _meta: meta } : {}) });
  }
  if (!cursor) tools.push(...extraTools.filter((t) => visible(g.tenant.policy, t.name)));
  return rpcResult(id, { tools, ...(single && nextCursor ? { nextCursor } : {}) });
}

export async function fetchTools(
  upstream: TenantUpstream,
  cursor: string | undefined,
  onePage: boolean,
  opts: ForwardOptions,
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
    const sent = await forward(upstream, body, opts);
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
