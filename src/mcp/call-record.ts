// What one metered request is (the call as judged, so its paid retry can be held to it) and the
// ledger's transaction record for a decision about it.

import type { TxRecord } from "../ledger/types";
import type { Decision } from "../policy";
import type { GatewayCtx } from "./context";

/** A human approval that let this call through, and the most it may cost (null: unpriced only). */
export type ApprovedBy = {
  id: string;
  ceiling: { amount: bigint; currency: string; decimals: number } | null;
};

export type CallInfo = {
  txId: string;
  /** The JSON-RPC method: tools/call, prompts/get, resources/read, ... */
  method: string;
  /** The name policies and bindings use: the tool, "prompt:<name>", "resource:<uri>" or the method. */
  tool: string;
  upstreamId: string;
  args: unknown;
  /** sha256 of the canonical arguments: a paid retry with other arguments is another call. */
  argsHash: string;
  /** Set once a human approval let this call through, so the priced phase does not ask again. */
  approval?: ApprovedBy | null;
};

export function txRecord(
  g: GatewayCtx,
  call: CallInfo,
  fields: Partial<TxRecord> & Pick<TxRecord, "kind" | "decision" | "status">,
  decision?: Decision | null,
): TxRecord {
  return {
    id: call.txId,
    orgId: g.tenant.orgId,
    agentId: g.tenant.agent.id,
    sessionId: g.session?.n ?? null,
    tool: call.tool,
    upstreamId: call.upstreamId || null,
    amount: null,
    currency: null,
    decimals: null,
    vendor: null,
    shadow: decision?.shadow ?? false,
    reasonCode: decision?.denial?.code ?? null,
    reason: decision?.denial?.message ?? null,
    rules: decision?.rules ?? [],
    challengeId: null,
    approvalId: call.approval?.id ?? null,
    argsHash: call.argsHash || null,
    ...fields,
  };
}
