// Routes one parsed JSON-RPC body to the handler for its method.

import { listTools } from "./catalog";
import type { GatewayCtx } from "./context";
import { deliverElicitation, isElicitationAnswer } from "./elicit";
import { callGovernanceTool, governanceToolList, isGovernanceTool } from "./governance/index";
import { classify, RPC, rpcError } from "./jsonrpc";
import { broadcast, initialize } from "./lifecycle";
import { passThrough } from "./passthrough";
import { jsonResponse } from "./respond";
import { toolsCall } from "./tools-call";

export async function dispatch(g: GatewayCtx, body: unknown, raw: string): Promise<Response> {
  if (Array.isArray(body)) {
    return jsonResponse(
      rpcError(null, RPC.INVALID_REQUEST, "JSON-RPC batches are not supported (removed in MCP 2025-06-18)"),
      undefined,
      400,
    );
  }
  const message = classify(body);
  if (!message) {
    const id = (body as { id?: unknown } | null)?.id;
    return jsonResponse(
      rpcError(
        typeof id === "string" || typeof id === "number" ? id : null,
        RPC.INVALID_REQUEST,
        "Invalid JSON-RPC 2.0 message",
      ),
      undefined,
      400,
    );
  }
  if (message.kind === "response" && isElicitationAnswer(message.msg.id)) {
    await deliverElicitation(g, message.msg);
    return new Response(null, { status: 202 });
  }
  if (message.kind !== "request") return broadcast(g, raw);
  const req = message.msg;
  switch (req.method) {
    case "initialize":
      return initialize(g, req, raw);
    case "tools/list":
      return jsonResponse(await listTools(g, req.id, req.params, governanceToolList(g)));
    case "tools/call": {
      const name = (req.params as { name?: unknown } | undefined)?.name;
      if (typeof name === "string" && isGovernanceTool(g, name)) {
        return jsonResponse(await callGovernanceTool(g, req));
      }
      return toolsCall(g, req);
    }
    default:
      return passThrough(g, req, raw);
  }
}
