// The tool catalogue: which upstream serves a tool name, and the merged tools/list the agent sees.
// Each upstream's stored tool prefix (null = names unchanged) makes its names, so adding an upstream
// renames nothing; a name two upstreams could serve is left out of tools/list and refused in tools/call.

import { type CompiledPolicy, isToolVisible } from "../policy";
import type { JsonRpcId, JsonRpcRequest } from "../protocol/jsonrpc";
import { RPC, rpcError, rpcResult, upstreamRpcError } from "../protocol/jsonrpc";
import type { Tenant } from "../services/tenant";
import { TtlCache } from "../ttl-cache";
import { ambiguityMessage, exposed, resolveName, rivalsToCheck } from "../upstream/tool-names";
import { exposedTools, fetchTools, type Tool } from "../upstream/tools";
import type { GatewayCtx } from "./context";
import { forwardOptions } from "./context";
import { type PageState, readCursor, signCursor } from "./list-cursor";
import { jsonResponse } from "./respond";

type TenantUpstream = Tenant["upstreams"][number];
export type ToolRoute = { upstream: TenantUpstream; upstreamTool: string };

const LISTED_TTL_MS = 30_000;

// Which tool names each upstream listed lately (per isolate), so routing can refuse a name another
// upstream also serves without a tools/list on every call. Filled by tools/list and the call pre-check.
const listedCache = new TtlCache<string, ReadonlySet<string>>(LISTED_TTL_MS, 5_000);

function rememberListed(upstreamId: string, tools: Tool[], now: number): void {
  listedCache.set(upstreamId, new Set(tools.map((t) => t.name)), now);
}

/** An upstream said its tools changed (notifications/tools/list_changed): list it again when needed. */
export function forgetListed(upstreamId: string): void {
  listedCache.delete(upstreamId);
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

/**
 * tools/list: merged, filtered by the policy's `hide`, paid tools marked where a price is configured.
 * With several upstreams a page asks each unfinished upstream for one page (list-cursor.ts); the
 * gateway's own tools come on the first page. One upstream's cursor passes through as its own.
 */
export async function listTools(g: GatewayCtx, id: JsonRpcId, params: unknown, extraTools: Tool[]) {
  const single = g.tenant.upstreams.length === 1;
  const now = Date.now();
  let state: PageState | null = null;
  if (single) {
    const raw = (params as { cursor?: unknown } | undefined)?.cursor;
    if (typeof raw === "string") state = { [g.tenant.upstreams[0]!.id]: raw };
  } else {
    const read = await readCursor(g, "tools/list", params, now);
    if (!read.ok) return rpcError(id, RPC.INVALID_PARAMS, read.message);
    state = read.state;
  }
  const asked = g.tenant.upstreams.filter((u) => state === null || state[u.id] !== undefined);
  const pages = await Promise.all(
    asked.map(async (u) => [u, await fetchTools(u, state?.[u.id], true, forwardOptions(g, u.id))] as const),
  );
  const lists = new Map<string, Tool[]>();
  const next: PageState = {};
  for (const [upstream, page] of pages) {
    if ("error" in page) return upstreamRpcError(id, upstream.namespace, page.error);
    lists.set(upstream.id, page.tools);
    if (state === null && !page.nextCursor) rememberListed(upstream.id, page.tools, now);
    if (page.nextCursor) next[upstream.id] = page.nextCursor;
  }
  const tools: Tool[] = [];
  const reserved = new Set(extraTools.map((t) => t.name));
  for (const { name, upstream, tool } of exposedTools(g.tenant.upstreams, lists, reserved)) {
    if (!visible(g.tenant.policy, name)) continue;
    const price = upstream.toolPrices[tool.name];
    const meta = price ? { ...(tool._meta ?? {}), "tollgate/price": price } : tool._meta;
    tools.push({ ...tool, name, ...(meta ? { _meta: meta } : {}) });
  }
  if (state === null) tools.push(...extraTools.filter((t) => visible(g.tenant.policy, t.name)));
  const nextCursor = single ? Object.values(next)[0] : await signCursor(g, "tools/list", next, now);
  return rpcResult(id, { tools, ...(nextCursor ? { nextCursor } : {}) });
}
