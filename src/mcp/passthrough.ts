// Everything the gateway does not need to look inside (resources, prompts, completion, logging,
// unknown methods) is forwarded to the upstream and its reply streamed back unchanged.
import type { GatewayCtx } from "./context";
import { forwardOptions } from "./context";
import { type JsonRpcRequest, RPC, rpcError, rpcResult } from "./jsonrpc";
import { jsonResponse } from "./respond";
import { forward } from "./upstream";

export async function passThrough(g: GatewayCtx, req: JsonRpcRequest, rawBody: string): Promise<Response> {
  if (req.method === "ping") return jsonResponse(rpcResult(req.id, {}));
  // With several upstreams, methods that carry no routable name go to the first one (README: Limits).
  const upstream = g.tenant.upstreams[0];
  if (!upstream)
    return jsonResponse(rpcError(req.id, RPC.METHOD_NOT_FOUND, "No upstream MCP server is configured"));
  const sent = await forward(upstream, rawBody, forwardOptions(g, upstream.id));
  if (!sent.ok)
    return jsonResponse(
      rpcError(req.id, RPC.UPSTREAM_ERROR, `Upstream "${upstream.namespace}": ${sent.message}`),
    );
  const res = sent.response;
  if (res.status >= 300) {
    await res.body?.cancel();
    return jsonResponse(
      rpcError(req.id, RPC.UPSTREAM_ERROR, `Upstream "${upstream.namespace}" answered HTTP ${res.status}`),
    );
  }
  const headers = new Headers();
  for (const name of ["content-type", "cache-control"]) {
    const v = res.headers.get(name);
    if (v) headers.set(name, v);
  }
  return new Response(res.body, { status: res.status, headers });
}
