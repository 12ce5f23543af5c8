// require_approval on the call path: a pending approval is recorded and the agent told to retry the
// same call; an approved one (same agent, tool, arguments, price within its ceiling) lets exactly one
// retry through; a rejected or expired one denies with that reason.
import {
  type ApprovalPrice,
  type ApprovalRow,
  argsHash,
  consumeApproval,
  covers,
  createApproval,
  latestApproval,
  markExpired,
} from "../approvals/call-approvals";
import type { Decision } from "../policy";
import type { CallInfo } from "./call-record";
import type { GatewayCtx } from "./context";
import { evaluateCall, policyDenial } from "./decide";
import type { Denial } from "./denial";
import { askInline } from "./elicit";
import type { Emit } from "./respond";

const DEFAULT_TIMEOUT_MS = 30 * 60_000;

export type Gate =
  | { proceed: true; decision: Decision; approvalId: string | null; holdId: string | null }
  | { proceed: false; denial: Denial };

export async function approvalGate(
  g: GatewayCtx,
  call: CallInfo,
  decision: Decision,
  price: ApprovalPrice,
  vendor: string | null,
  now: number,
  /** The call's open SSE stream, when the client can be asked inline (elicitation). */
  emit?: Emit,
): Promise<Gate> {
  if (decision.action !== "require_approval")
    return { proceed: true, decision, approvalId: call.approvalId ?? null, holdId: null };
  const base = policyDenial(decision, price, call.txId);
  if (!base) return { proceed: true, decision, approvalId: null, holdId: null };
  const key = {
    orgId: g.tenant.orgId,
    agentId: g.tenant.agent.id,
    tool: call.tool,
    argsHash: await argsHash(call.args),
  };
  const latest = await latestApproval(g.env, key);
  if (latest && now < latest.expiresAt) {
    if (latest.status === "approved" && covers(latest, price)) {
      if (await consumeApproval(g.env, g.tenant.orgId, latest.id, now)) {
        const approved = evaluateCall(g, call, price, vendor, now, true);
        const still = policyDenial(approved, price, call.txId);
        return still
          ? { proceed: false, denial: still }
          : { proceed: true, decision: approved, approvalId: latest.id, holdId: latest.reservationId };
      }
    }
    if (latest.status === "pending") {
      const denial: Denial = { ...base, reason: "approval_required", approvalId: latest.id };
      return askOrWait(g, call, decision, price, vendor, now, emit, latest, denial);
    }
    if (latest.status === "rejected") {
      const note = latest.note ? ` Note from the approver: ${latest.note}` : "";
      return {
        proceed: false,
        denial: {
          ...base,
          reason: "approval_rejected",
          message: `a human rejected this call.${note}`,
          approvalId: latest.id,
        },
      };
    }
  } else if (latest && latest.status === "pending") {
    await markExpired(g.env, latest, now);
    return {
      proceed: false,
      denial: {
        ...base,
        reason: "approval_expired",
        message: "the approval request expired before anyone decided; call again to ask anew.",
        approvalId: latest.id,
      },
    };
  }
  const created = await createApproval(g.env, {
    ...key,
    args: call.args,
    price,
    vendor,
    rule: base.rule ?? "approval",
    reason: base.message,
    timeoutMs: decision.approvalTimeoutMs ?? DEFAULT_TIMEOUT_MS,
    transactionId: call.txId,
    now,
  });
  const denial: Denial = { ...base, reason: "approval_required", approvalId: created.id };
  return askOrWait(g, call, decision, price, vendor, now, emit, created, denial);
}

/** With an inline-capable client, ask now and continue on yes; otherwise the agent retries later. */
async function askOrWait(
  g: GatewayCtx,
  call: CallInfo,
  decision: Decision,
  price: ApprovalPrice,
  vendor: string | null,
  now: number,
  emit: Emit | undefined,
  row: ApprovalRow,
  denial: Denial,
): Promise<Gate> {
  if (!emit || !g.session?.e) return { proceed: false, denial };
  const answer = await askInline(g, emit, row, denial);
  if (answer === "no_answer") return { proceed: false, denial };
  // The decision is now on the row: the ordinary path consumes it (or reports the rejection).
  return approvalGate(g, call, decision, price, vendor, now);
}
