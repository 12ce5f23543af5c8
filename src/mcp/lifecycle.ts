// initialize and the session: each upstream is initialized, their session ids are sealed into the
// gateway's own signed Mcp-Session-Id, and capabilities are merged.

import { type JsonRpcRequest, rpcResult, upstreamRpcError } from "../protocol/jsonrpc";
import { InitializeParams, InitializeResult, parseOrNull } from "../protocol/mcp-results";
import { forward, readReply } from "../upstream/forward";
import type { GatewayCtx } from "./context";
import { forwardOptions } from "./context";
import { jsonResponse } from "./respond";
import { newSessionNonce, signSession } from "./session";

const GATEWAY_INFO = { name: "tollgate", version: "0.1.0" };

export async function initialize(g: GatewayCtx, req: JsonRpcRequest, rawBody: string): Promise<Response> {
  const sessions: Record<string, string> = {};
  const results: InitializeResult[] = [];
  for (const upstream of g.tenant.upstreams) {
    const sent = await forward(upstream, rawBody, forwardOptions(g, null));
    if (!sent.ok) return jsonResponse(upstreamRpcError(req.id, upstream.namespace, sent.message));
    const sid = sent.response.headers.get("mcp-session-id");
    const reply = await readReply(sent.response, req.id);
    if (!reply.ok) return jsonResponse(upstreamRpcError(req.id, upstream.namespace, reply.message));
    if ("error" in reply.message) return jsonResponse(reply.message);
    if (sid) sessions[upstream.id] = sid;
    results.push(parseOrNull(InitializeResult, reply.message.result) ?? {});
  }
  const token = await signSession(
    {
      v: 1,
      o: g.tenant.orgId,
      a: g.tenant.agent.id,
      n: newSessionNonce(),
      u: sessions,
      ...(clientElicits(req) ? { e: true } : {}),
    },
    g.sessionSecret,
  );
  return jsonResponse(rpcResult(req.id, mergeInitialize(g, req, results)), { "mcp-session-id": token });
}

function asObject(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? { ...v } : {};
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
