// Governance tools (tollgate_*) served by the gateway itself next to the upstream tools.
import type { GatewayCtx } from "./context";
import { type JsonRpcRequest, RPC, rpcError } from "./jsonrpc";

export type GatewayTool = { name: string; description: string; inputSchema: Record<string, unknown> };

export function governanceToolList(_g: GatewayCtx): GatewayTool[] {
  return [];
}

export function isGovernanceTool(g: GatewayCtx, name: string): boolean {
  return governanceToolList(g).some((t) => t.name === name);
}

export async function callGovernanceTool(_g: GatewayCtx, req: JsonRpcRequest) {
  return rpcError(req.id, RPC.METHOD_NOT_FOUND, "Unknown tool");
}
