// initialize and the session: each upstream is initialized, their session ids are sealed into the
// gateway's own signed Mcp-Session-Id, and capabilities are merged.

import { type JsonRpcRequest, rpcResult, upstreamRpcError } from "../protocol/jsonrpc";
import { InitializeParams, type InitializeResult, parseOrNull } from "../protocol/mcp-results";
import { forward } from "../upstream/forward";
import { openUpstream } from "../upstream/handshake";
import { bridgeableCaps } from "./client-caps";
import type { GatewayCtx } from "./context";
import { forwardOptions } from "./context";
import { jsonResponse } from "./respond";
import { newSessionNonce, signSession } from "./session";

const GATEWAY_INFO = { name: "tollgate", version: "0.1.0" };

export async function initialize(g: GatewayCtx, req: JsonRpcRequest, rawBody: string): Promise<Response> {
  const sessions: Record<string, string> = {};
  const modern: string[] = [];
  const results: InitializeResult[] = [];
  for (const upstream of g.tenant.upstreams) {
    const opened = await openUpstream(upstream, rawBody, req.id, forwardOptions(g, null));
    if (!opened.ok)
      return jsonResponse(
        "refused" in opened ? opened.refused : upstreamRpcError(req.id, upstream.namespace, opened.message),
      );
    if (opened.modern) modern.push(upstream.id);
    else if (opened.sessionId) sessions[upstream.id] = opened.sessionId;
    results.push(opened.modern ? asLegacyInitialize(req, opened.result) : opened.result);
  }
  const token = await signSession(
    {
      v: 1,
      o: g.tenant.orgId,
      a: g.tenant.agent.id,
      n: newSessionNonce(),
      u: sessions,
      ...(modern.length > 0 ? { m: modern } : {}),
      ...(clientElicits(req) ? { e: true } : {}),
      ...clientTakes(req),
    },
    g.sessionSecret,
  );
  return jsonResponse(rpcResult(req.id, mergeInitialize(g, req, results)), { "mcp-session-id": token });
}

/** A 2026-07-28 upstream's discover result as the legacy client's initialize answer (its version). */
function asLegacyInitialize(req: JsonRpcRequest, discovered: InitializeResult): InitializeResult {
  const { capabilities = {}, instructions } = discovered;
  const meta = asObject(discovered._meta);
  const info = asObject(meta["io.modelcontextprotocol/serverInfo"]);
  return {
    protocolVersion: parseOrNull(InitializeParams, req.params)?.protocolVersion ?? "2025-11-25",
    capabilities,
    serverInfo: typeof info.name === "string" ? info : GATEWAY_INFO,
    ...(typeof instructions === "string" ? { instructions } : {}),
  };
}

function asObject(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? { ...v } : {};
}

/** The server requests this client takes, kept in its session for bridging (ADR 0037). */
function clientTakes(req: JsonRpcRequest): { c?: string[] } {
  const caps = bridgeableCaps(parseOrNull(InitializeParams, req.params)?.capabilities);
  return caps.length > 0 ? { c: caps } : {};
}

function clientElicits(req: JsonRpcRequest): boolean {
  const caps = parseOrNull(InitializeParams, req.params)?.capabilities;
  return typeof caps?.elicitation === "object" && caps.elicitation !== null;
}

function mergeInitialize(g: GatewayCtx, req: JsonRpcRequest, results: InitializeResult[]) {
  const requested = parseOrNull(InitializeParams, req.params)?.protocolVersion;
  if (results.length === 1) {
    const only = results[0]!;
    const caps = only.capabilities ?? {};
    return { ...only, capabilities: { ...caps, tools: caps.tools ?? {} } };
  }
  const capabilities: Record<string, unknown> = { tools: {} };
  for (const r of results) {
    for (const [k, v] of Object.entries(r.capabilities ?? {})) {
      capabilities[k] = { ...asObject(capabilities[k]), ...asObject(v) };
    }
  }
  return {
    protocolVersion: results[0]?.protocolVersion ?? requested ?? "2025-06-18",
    capabilities,
    serverInfo: GATEWAY_INFO,
    instructions: `Tollgate gateway for agent "${g.tenant.agent.name}": tools of ${results.length} servers, each named by its server's fixed tool prefix.`,
  };
}

/** Notifications and client responses go to every upstream of the session; the client gets 202. */
export async function broadcast(g: GatewayCtx, rawBody: string): Promise<Response> {
  await Promise.all(
    g.tenant.upstreams.map(async (upstream) => {
      const sent = await forward(upstream, rawBody, forwardOptions(g, upstream.id));
      if (sent.ok) await sent.response.body?.cancel();
    }),
  );
  return new Response(null, { status: 202 });
}

/** DELETE of the gateway session: each upstream session in it is ended too (2025 Streamable HTTP). */
export async function endSession(g: GatewayCtx): Promise<Response> {
  const sessions = g.session?.u ?? {};
  await Promise.all(
    g.tenant.upstreams
      .filter((u) => sessions[u.id])
      .map(async (upstream) => {
        const sent = await forward(upstream, null, { ...forwardOptions(g, upstream.id), method: "DELETE" });
        if (sent.ok) await sent.response.body?.cancel();
      }),
  );
  return new Response(null, { status: 204 });
}
