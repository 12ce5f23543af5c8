// Governance tools (tollgate_*) served by the gateway itself next to the upstream tools. A policy's
// `hide` covers them as it covers upstream tools: hidden ones are left out of tools/list and refused.
import { newId } from "../../db/client";
import { isToolVisible } from "../../policy";
import { type JsonRpcRequest, RPC, rpcError, rpcResult } from "../../protocol/jsonrpc";
import {
  type FetchInput,
  type GovernanceToolName,
  INPUTS,
  toolDefinitions,
} from "../../services/governance-tools";
import { txRecord } from "../call-record";
import type { GatewayCtx } from "../context";
import { denialError } from "../denial";
import { record } from "../ledger-calls";
import { fetchTool } from "./fetch";
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

/** True for hidden ones too: the gateway answers them (with a denial), they never reach an upstream. */
export function isGovernanceTool(g: GatewayCtx, name: string): boolean {
  return (governanceToolNames(g) as string[]).includes(name);
}

/** A hidden tool is denied as a hidden upstream tool is (enforce mode; shadow mode only records). */
async function hiddenDenial(g: GatewayCtx, req: JsonRpcRequest, name: string) {
  const policy = g.tenant.policy;
  if (!policy || policy.mode === "shadow" || isToolVisible(policy, name)) return null;
  const txId = newId("tx");
  const message = `Tool "${name}" is hidden by policy`;
  const call = {
    txId,
    method: req.method,
    tool: name,
    upstreamId: "",
    args: (req.params as { arguments?: unknown }).arguments ?? {},
    argsHash: "",
  };
  await record(
    g,
    txRecord(g, call, {
      kind: "free",
      decision: "deny",
      status: "denied",
      upstreamId: null,
      reasonCode: "tool_hidden",
      reason: message,
    }),
  );
  return denialError(req.id, {
    reason: "tool_hidden",
    message,
    rule: "(hidden)",
    source: "policy",
    transactionId: txId,
  });
}

export async function callGovernanceTool(g: GatewayCtx, req: JsonRpcRequest) {
  const params = (req.params ?? {}) as { name: GovernanceToolName; arguments?: unknown };
  const hidden = await hiddenDenial(g, req, params.name);
  if (hidden) return hidden;
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
    if (params.name === "tollgate_fetch") return await fetchTool(g, req, parsed.data as FetchInput);
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
