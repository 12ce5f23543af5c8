// Builds the ledger's transaction record for one tools/call decision.

import type { TxRecord } from "../ledger/types";
import type { Decision } from "../policy";
import type { GatewayCtx } from "./context";

export type CallInfo = {
  txId: string;
  tool: string;
  upstreamId: string;
  args: unknown;
  /** Set once a human approval let this call through, so the priced phase does not ask again. */
  approvalId?: string | null;
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
    upstreamId: call.upstreamId,
    amount: null,
    currency: null,
    decimals: null,
    vendor: null,
    shadow: decision?.shadow ?? false,
    reasonCode: decision?.denial?.code ?? null,
    reason: decision?.denial?.message ?? null,
    rules: decision?.rules ?? [],
    challengeId: null,
    approvalId: call.approvalId ?? null,
    ...fields,
  };
}
