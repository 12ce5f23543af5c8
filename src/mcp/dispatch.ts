// Routes one parsed JSON-RPC body to the handler for its method. A "notification" naming a request
// method is refused (it would run a tool with no answer to meter); cancellation and progress go to
// the upstream they concern (client-notifications.ts), other notifications to every upstream; a
// client's response goes only to the upstream whose request it answers.

import { credentialCount } from "../payments";
import { classify, type JsonRpcId, RPC, rpcError } from "../protocol/jsonrpc";
import { routeNotification } from "./client-notifications";
import type { GatewayCtx } from "./context";
import { deliverElicitation, isElicitationAnswer } from "./elicit";
import { dispatchModern } from "./modern";
import { dispatchRequest } from "./requests";
import { jsonResponse } from "./respond";
import { answerUpstream } from "./server-requests";

function invalid(id: JsonRpcId | null, message: string): Response {
  return jsonResponse(rpcError(id, RPC.INVALID_REQUEST, message), undefined, 400);
}

export async function dispatch(g: GatewayCtx, body: unknown, raw: string): Promise<Response> {
  if (g.era === "modern") return dispatchModern(g, body);
  if (Array.isArray(body))
    return invalid(null, "JSON-RPC batches are not supported (removed in MCP 2025-06-18)");
  const message = classify(body);
  if (!message) {
    const id = (body as { id?: unknown } | null)?.id;
    return invalid(
      typeof id === "string" || typeof id === "number" ? id : null,
      "Invalid JSON-RPC 2.0 message",
    );
  }
  // Messages that skip the metered path (initialize, notifications, responses) are forwarded as they
  // are: a payment credential inside one would reach an upstream unbudgeted.
  if (message.kind !== "request" || message.msg.method === "initialize") {
    const result = (message.msg as { result?: unknown }).result;
    if (credentialCount(message.msg) > 0 || credentialCount({ params: result }) > 0)
      return invalid(
        (message.msg as { id?: JsonRpcId | null }).id ?? null,
        "A payment credential is only accepted on a request the gateway meters. It was not forwarded.",
      );
  }
  if (message.kind === "response") {
    const id = message.msg.id;
    if (isElicitationAnswer(id)) {
      // Only where inline approval is on: otherwise no question was asked, and an agent's own
      // client must not be able to answer one in advance.
      if (!g.tenant.inlineApprovals) return invalid(id, "No approval question is open for this client");
      await deliverElicitation(g, message.msg);
      return new Response(null, { status: 202 });
    }
    const routed = await answerUpstream(g, message.msg);
    return routed.ok ? new Response(null, { status: 202 }) : invalid(id, routed.message);
  }
  if (message.kind === "notification") {
    if (!message.msg.method.startsWith("notifications/"))
      return invalid(
        null,
        `"${message.msg.method}" is a request method: send it with an id. It was not forwarded.`,
      );
    return routeNotification(g, message.msg, raw);
  }
  return dispatchRequest(g, message.msg, raw);
}
