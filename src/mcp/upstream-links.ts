// A modern (2026-07-28) client has no session, but legacy upstreams need one: the gateway runs each
// upstream's initialize itself and keeps that session per (agent, upstream), per isolate. A modern
// client never sees these sessions, and two agents never share one.
import { type JsonRpcId, upstreamRpcError } from "../protocol/jsonrpc";
import type { InitializeResult } from "../protocol/mcp-results";
import { TtlCache } from "../ttl-cache";
import { forward } from "../upstream/forward";
import { openUpstream } from "../upstream/handshake";
import { capsObject } from "./client-caps";
import { forwardOptions, type GatewayCtx, type UpstreamLink } from "./context";

/** The legacy revision the gateway speaks to upstreams on a modern client's behalf. */
export const BRIDGE_VERSION = "2025-11-25";
const LINK_TTL_MS = 10 * 60_000;
const GATEWAY_CLIENT = { name: "tollgate", version: "0.1.0" };
const BRIDGED_CAPABILITIES = capsObject(["elicitation.form", "elicitation.url", "sampling", "roots"]);

export type Linked = UpstreamLink & { result: InitializeResult };
type Upstream = GatewayCtx["tenant"]["upstreams"][number];

// Resolved links only: a promise from another request's I/O must not be awaited across requests.
const links = new TtlCache<string, Linked>(LINK_TTL_MS, 5_000);

function keyOf(g: GatewayCtx, upstreamId: string): string {
  return `${g.tenant.orgId}|${g.tenant.agent.id}|${upstreamId}`;
}

export async function initializeUpstream(
  g: GatewayCtx,
  upstream: Upstream,
): Promise<Linked | { error: string }> {
  const opts = { ...forwardOptions(g, null), protocolVersion: BRIDGE_VERSION, signal: undefined };
  const init = {
    jsonrpc: "2.0",
    id: 0,
    method: "initialize",
    // Everything the gateway can bridge into MRTR (ADR 0037): a request the client on hand did not
    // declare is answered to the upstream with an error, never left waiting.
    params: {
      protocolVersion: BRIDGE_VERSION,
      capabilities: BRIDGED_CAPABILITIES,
      clientInfo: GATEWAY_CLIENT,
    },
  };
  const opened = await openUpstream(upstream, JSON.stringify(init), 0, opts);
  if (!opened.ok) return { error: "message" in opened ? opened.message : "the upstream refused initialize" };
  const { sessionId, result, modern } = opened;
  if (modern) return { sessionId: null, protocolVersion: "2026-07-28", modern, result };
  const protocolVersion = result.protocolVersion ?? BRIDGE_VERSION;
  const done = await forward(
    upstream,
    JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
    {
      ...opts,
      sessionId,
      protocolVersion,
    },
  );
  if (done.ok) await done.response.body?.cancel();
  return { sessionId, protocolVersion, modern, result };
}

async function linkOf(g: GatewayCtx, upstream: Upstream): Promise<Linked | { error: string }> {
  const key = keyOf(g, upstream.id);
  const cached = links.get(key, Date.now());
  if (cached) return cached;
  const made = await initializeUpstream(g, upstream);
  // A failed initialize is not kept: the next request tries again.
  if (!("error" in made)) links.set(key, made, Date.now());
  return made;
}

/** Links every upstream of the tenant into `g.links`; the error to answer with when one fails. */
export async function linkUpstreams(g: GatewayCtx, id: JsonRpcId | null): Promise<unknown | null> {
  const all = await Promise.all(g.tenant.upstreams.map(async (u) => [u, await linkOf(g, u)] as const));
  const out: Record<string, UpstreamLink> = {};
  for (const [u, r] of all) {
    if ("error" in r) return upstreamRpcError(id, u.namespace, r.error);
    out[u.id] = { sessionId: r.sessionId, protocolVersion: r.protocolVersion, modern: r.modern };
  }
  g.links = out;
  return null;
}

/** The upstreams' initialize results (for server/discover), after linkUpstreams. */
export async function linkedResults(g: GatewayCtx): Promise<InitializeResult[]> {
  const all = await Promise.all(g.tenant.upstreams.map((u) => linkOf(g, u)));
  return all.flatMap((r) => ("error" in r ? [] : [r.result]));
}

/** Forgets one upstream's session (it answered 404: the session is gone) and links it again. */
export async function relink(g: GatewayCtx, upstream: Upstream): Promise<boolean> {
  links.delete(keyOf(g, upstream.id));
  const r = await linkOf(g, upstream);
  if ("error" in r || !g.links) return false;
  g.links[upstream.id] = { sessionId: r.sessionId, protocolVersion: r.protocolVersion, modern: r.modern };
  return true;
}
