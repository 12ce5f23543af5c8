// tools/call: the interceptor's entry. The call is routed to its upstream, judged before forwarding,
// and metered through metered.ts (price from the upstream's challenge, reservation before the
// challenge reaches the agent, paid retry held to the call that was judged).

import { type JsonRpcRequest, RPC, rpcError } from "../protocol/jsonrpc";
import { requestTarget, toolTarget } from "./call-target";
import { noteInFlight } from "./client-notifications";
import type { GatewayCtx } from "./context";
import { meteredCall } from "./metered";
import { LIST_KINDS, mergedList, ownerOf } from "./owners";
import { jsonResponse } from "./respond";

export async function toolsCall(g: GatewayCtx, req: JsonRpcRequest): Promise<Response> {
  const target = toolTarget(g, req);
  if (!target.ok) return jsonResponse(rpcError(req.id, RPC.INVALID_PARAMS, target.message));
  noteInFlight(g, req.id, target.target.upstream);
  return meteredCall(g, req, target.target, { judgeFirst: true });
}

/**
 * Any other request goes to its upstream unchanged, but is metered all the same: a payment challenge
 * in its answer is priced and reserved, and a credential on it is a paid retry (MPP lists
 * resources/read and prompts/get as payable).
 */
export async function otherRequest(g: GatewayCtx, req: JsonRpcRequest, raw: string): Promise<Response> {
  if (req.method === "ping") return jsonResponse({ jsonrpc: "2.0", id: req.id, result: {} });
  const kind = LIST_KINDS[req.method];
  if (kind && g.tenant.upstreams.length > 1)
    return jsonResponse(await mergedList(g, req.id, kind, req.params));
  const owner = await ownerOf(g, req);
  if (owner && "error" in owner) return jsonResponse(rpcError(req.id, RPC.INVALID_PARAMS, owner.error));
  const target = owner
    ? requestTarget(g, owner.named ?? req, JSON.stringify(owner.body), owner.upstream)
    : requestTarget(g, req, raw);
  if (!target.ok) return jsonResponse(rpcError(req.id, RPC.METHOD_NOT_FOUND, target.message));
  noteInFlight(g, req.id, target.target.upstream);
  return meteredCall(g, req, target.target, { judgeFirst: false });
}
