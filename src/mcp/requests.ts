// A request by method, for either era: a legacy client's as it came, a modern client's once modern.ts
// has checked its MRTR fields and given it the legacy shape the upstreams speak.
import { type JsonRpcRequest, RPC, rpcError } from "../protocol/jsonrpc";
import { listTools, refuseAmbiguousCall } from "./catalog";
import type { GatewayCtx } from "./context";
import { callGovernanceTool, governanceToolList, isGovernanceTool } from "./governance/index";
import { initialize } from "./lifecycle";
import { jsonResponse } from "./respond";
import { otherRequest, toolsCall } from "./tools-call";

/** One request, either era (a modern one arrives here translated by modern.ts). */
export async function dispatchRequest(g: GatewayCtx, req: JsonRpcRequest, raw: string): Promise<Response> {
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
      return (await refuseAmbiguousCall(g, req)) ?? toolsCall(g, req);
    }
    case "subscriptions/listen":
      // A 2026-07-28 method (ADR 0040): never forwarded for a 2025 client (a 2026 upstream would open it).
      return jsonResponse(rpcError(req.id, RPC.METHOD_NOT_FOUND, `Method not found: ${req.method}`));
    default:
      return otherRequest(g, req, raw);
  }
}
