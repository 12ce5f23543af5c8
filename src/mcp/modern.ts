// A modern (2026-07-28) client on the same endpoint: no initialize, no session; every request
// carries its version and capabilities in _meta (headers already checked against the body in
// routes.ts). The gateway answers server/discover itself, holds the legacy upstreams' sessions for
// the agent (upstream-links.ts), sends them the request in their own shape, and translates the
// answer back (era-answer.ts); an upstream's server request on a stream becomes an MRTR question
// (continuation.ts). MRTR retry fields are the gateway's own and never reach a legacy upstream.
import { z } from "zod";
import { legacyMeta, META } from "../protocol/eras";
import { classify, type JsonRpcId, type JsonRpcRequest, RPC, rpcError, rpcResult } from "../protocol/jsonrpc";
import type { InitializeResult } from "../protocol/mcp-results";
import type { GatewayCtx } from "./context";
import { bridgedResponse, detachable } from "./continuation";
import { resumeBridged } from "./continuation-retry";
import { completeResult, modernResponse } from "./era-answer";
import { openListen } from "./listen";
import { SUPPORTED_PROTOCOL_VERSIONS } from "./protocol-version";
import { dispatchRequest } from "./requests";
import { jsonResponse } from "./respond";
import { linkedResults, linkUpstreams } from "./upstream-links";

const Params = z.looseObject({
  _meta: z.record(z.string(), z.unknown()).optional(),
  requestState: z.string().max(4096).optional(),
  inputResponses: z.record(z.string(), z.unknown()).optional(),
});
/** The requests that may be answered with an InputRequiredResult (mrtr.mdx, Supported Requests). */
const MRTR_METHODS = new Set(["tools/call", "prompts/get", "resources/read"]);

function invalid(id: JsonRpcId | null, message: string, status = 400): Response {
  return jsonResponse(rpcError(id, RPC.INVALID_REQUEST, message), undefined, status);
}

export async function dispatchModern(g: GatewayCtx, body: unknown): Promise<Response> {
  if (Array.isArray(body)) return invalid(null, "JSON-RPC batches are not supported");
  const message = classify(body);
  if (!message) return invalid(null, "Invalid JSON-RPC 2.0 message");
  if (message.kind === "response")
    return invalid(message.msg.id, "MCP 2026-07-28 clients send no JSON-RPC responses");
  if (message.kind === "notification") {
    if (!message.msg.method.startsWith("notifications/"))
      return invalid(null, `"${message.msg.method}" is a request method: send it with an id.`);
    // The era defines no client notifications over HTTP; nothing is forwarded.
    return new Response(null, { status: 202 });
  }
  const req = message.msg;
  const params = Params.safeParse(req.params ?? {});
  if (!params.success)
    return jsonResponse(
      rpcError(req.id, RPC.INVALID_PARAMS, "params, requestState or inputResponses malformed"),
    );
  const { _meta = {}, requestState, inputResponses, ...rest } = params.data;
  const caps = _meta[META.clientCapabilities];
  g.clientCapabilities = caps !== null && typeof caps === "object" ? (caps as Record<string, unknown>) : {};
  if (requestState !== undefined || inputResponses !== undefined) {
    if (!MRTR_METHODS.has(req.method))
      return jsonResponse(
        rpcError(req.id, RPC.INVALID_PARAMS, `${req.method} takes no requestState or inputResponses`),
      );
    g.inputs = { requestState: requestState ?? null, inputResponses: inputResponses ?? null };
  }
  if (req.method === "initialize")
    return jsonResponse(
      rpcError(
        req.id,
        RPC.INVALID_REQUEST,
        "initialize is legacy: send MCP-Protocol-Version 2025-11-25 for it",
      ),
    );
  // Validated and counted before any upstream is linked (listen.ts links them itself).
  if (req.method === "subscriptions/listen") return openListen(g, req, rest);
  // The upstreams get the legacy shape: no modern _meta keys (traceparent and the rest pass through).
  const meta = legacyMeta(_meta);
  const legacy: JsonRpcRequest = {
    ...req,
    params: { ...rest, ...(Object.keys(meta).length > 0 ? { _meta: meta } : {}) },
  };
  // A retry answering a bridged upstream question resumes that call, wherever it runs (ADR 0037).
  const resumed = await resumeBridged(g, legacy);
  if (resumed) return resumed;
  const linkFailed = await linkUpstreams(g, req.id);
  if (linkFailed) return modernResponse(g, req, jsonResponse(linkFailed));
  if (req.method === "server/discover") return jsonResponse(await discover(g, req.id));
  const call = detachable(g);
  const res = await dispatchRequest(g, legacy, JSON.stringify(legacy));
  return bridgedResponse(g, legacy, res, call);
}

function asObject(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? { ...v } : {};
}

/** server/discover: the versions the gateway speaks and its upstreams' merged capabilities. */
async function discover(g: GatewayCtx, id: JsonRpcId) {
  const results: InitializeResult[] = await linkedResults(g);
  const capabilities: Record<string, unknown> = { tools: {} };
  for (const r of results)
    for (const [k, v] of Object.entries(r.capabilities ?? {}))
      capabilities[k] = { ...asObject(capabilities[k]), ...asObject(v) };
  return rpcResult(
    id,
    completeResult("server/discover", {
      supportedVersions: [...SUPPORTED_PROTOCOL_VERSIONS].reverse(),
      capabilities,
      instructions: `Tollgate gateway for agent "${g.tenant.agent.name}": tools of ${results.length} server(s); paid calls are budgeted and may need approval.`,
    }),
  );
}
