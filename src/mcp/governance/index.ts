// Governance tools (tollgate_*) served by the gateway itself next to the upstream tools.
import type { GatewayCtx } from "../context";
import { type JsonRpcRequest, RPC, rpcError, rpcResult } from "../jsonrpc";
import { type GovernanceToolName, INPUTS, toolDefinitions } from "./catalog";
import { HANDLERS } from "./handlers";
import { fail } from "./results";

export function governanceToolNames(g: GatewayCtx): GovernanceToolName[] {
  if (!g.tenant.agent.governanceTools) return [];
  const names = Object.keys(INPUTS) as GovernanceToolName[];
  return g.tenant.keyScope === "org" ? names : names.filter((n) => n !== "tollgate_list_agents");
}

export function governanceToolList(g: GatewayCtx) {
  return toolDefinitions(governanceToolNames(g));
}

export function isGovernanceTool(g: GatewayCtx, name: string): boolean {
  return (governanceToolNames(g) as string[]).includes(name);
}

export async function callGovernanceTool(g: GatewayCtx, req: JsonRpcRequest) {
  const params = (req.params ?? {}) as { name: GovernanceToolName; arguments?: unknown };
  const parsed = INPUTS[params.name].safeParse(params.arguments ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return rpcError(
      req.id,
      RPC.INVALID_PARAMS,
      `Invalid arguments for ${params.name}: ${issue?.path.join(".") || "input"}: ${issue?.message}`,
    );
  }
  try {
    const handler = HANDLERS[params.name] as (g: GatewayCtx, input: unknown) => Promise<unknown>;
    return rpcResult(req.id, await handler(g, parsed.data));
  } catch (err) {
    console.error("governance tool failed", params.name, err instanceof Error ? err.message : "error");
    return rpcResult(
      req.id,
      fail("Tollgate could not answer right now (the budget ledger may be unavailable). Try again shortly."),
    );
  }
}
