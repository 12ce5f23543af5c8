// require_approval on the call path: a pending approval is recorded and the agent told to retry the
// same call; an approved one (same agent, tool, arguments and session, price within its ceiling) lets
// exactly one retry through; a rejected or expired one denies with that reason. Humans decide through
// the dashboard or the admin API; the agent's own client is asked inline only where the org or agent
// turned that on (it trusts the person at the client).

import type { Decision } from "../policy";
import {
  type ApprovalPrice,
  type ApprovalRow,
  argsHash,
  ceilingOf,
  consumeApproval,
  covers,
  createApproval,
  latestApproval,
  markExpired,
  sameSession,
} from "../services/call-approvals";
import type { ApprovedBy, CallInfo } from "./call-record";
import type { GatewayCtx } from "./context";
import { evaluateCall, policyDenial } from "./decide";
import type { Denial } from "./denial";
import { askInline } from "./elicit";
import type { Emit } from "./respond";

const DEFAULT_TIMEOUT_MS = 30 * 60_000;

export type Gate =
  | { proceed: true; decision: Decision; approval: ApprovedBy | null; holdId: string | null }
  | { proceed: false; denial: Denial };

type Ask = {
  call: CallInfo;
  decision: Decision;
  price: ApprovalPrice;
  vendor: string | null;
  now: number;
  /** The call's open SSE stream, when the client may be asked inline (elicitation). */
  emit?: Emit | undefined;
};

export async function approvalGate(g: GatewayCtx, ask: Ask): Promise<Gate> {
  const { call, decision, price, vendor, now } = ask;
  if (decision.action !== "require_approval")
    return { proceed: true, decision, approval: call.approval ?? null, holdId: null };
  const base = policyDenial(decision, price, call.txId);
  if (!base) return { proceed: true, decision, approval: null, holdId: null };
  const key = {
    orgId: g.tenant.orgId,
    agentId: g.tenant.agent.id,
    tool: call.tool,
    argsHash: await argsHash(call.args),
  };
  const sessionId = g.session?.n ?? null;
  const found = await latestApproval(g.env, key);
  // An approval is for the call in the session it was asked in.
  const latest = found && sameSession(found, sessionId) ? found : undefined;
  if (latest && now < latest.expiresAt) {
    if (latest.status === "approved" && covers(latest, price)) {
      if (await consumeApproval(g.env, g.tenant.orgId, latest.id, now)) {
        const approved = evaluateCall(g, call, { price, vendor, now, approved: true });
        const still = policyDenial(approved, price, call.txId);
        return still
          ? { proceed: false, denial: still }
          : {
              proceed: true,
              decision: approved,
              approval: { id: latest.id, ceiling: ceilingOf(latest) },
              holdId: latest.reservationId,
            };
      }
    }
    if (latest.status === "pending") {
      const denial: Denial = { ...base, reason: "approval_required", approvalId: latest.id };
      return askOrWait(g, ask, latest, denial);
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
    context: { args: call.args, upstreamId: call.upstreamId, sessionId },
    rule: base.rule ?? "approval",
    reason: base.message,
    timeoutMs: decision.approvalTimeoutMs ?? DEFAULT_TIMEOUT_MS,
    transactionId: call.txId,
    now,
  });
  const denial: Denial = { ...base, reason: "approval_required", approvalId: created.id };
  return askOrWait(g, ask, created, denial);
}

/** Where inline approval is on and the client can be asked, ask now and continue on yes. */
async function askOrWait(g: GatewayCtx, ask: Ask, row: ApprovalRow, denial: Denial): Promise<Gate> {
  if (!ask.emit || !g.session?.e || !g.tenant.inlineApprovals) return { proceed: false, denial };
  const answer = await askInline(g, ask.emit, row, denial);
  if (answer === "no_answer") return { proceed: false, denial };
  // The decision is now on the row: the ordinary path consumes it (or reports the rejection).
  return approvalGate(g, { ...ask, emit: undefined });
}
