// The money half of a paid retry, whatever carries it (an MCP tools/call, or tollgate_fetch's HTTP
// request): claim the hold the credential pays, and settle it by what the answer proves. A receipt
// commits at the paid amount; a refusal releases; an answer that proves nothing commits unconfirmed.
import type { ClaimRefusal } from "../ledger/results";
import type { PaidAmount } from "../ledger/types";
import { type Credential, type Offer, type PaidOutcome, parseOfferTerms } from "../payments";
import type { JsonRpcId } from "../protocol/jsonrpc";
import { type CallInfo, txRecord } from "./call-record";
import { CLAIM_DENIAL } from "./claim-denials";
import type { GatewayCtx } from "./context";
import { type Denial, denialError } from "./denial";
import { commitAfterAnswer, record, settle, unavailable } from "./ledger-calls";
import { notifyCommitted, watchPayment } from "./notify";
import { gatewayLedger } from "./traced-ledger";

/** A claimed hold lives this long past the upstream timeout, so a slow settlement still finds it. */
const CLAIM_MARGIN_MS = 60_000;

export type ClaimedLine = { key: string; unit: string; kind: "money" | "count"; amount: string };
/** A claimed hold: its lines and the offer it was bound to (null if its terms no longer parse). */
export type Claimed = { reservationId: string; lines: ClaimedLine[]; offer: Offer | null };

/** Claims the hold this credential pays, or answers with the denial (recorded) when it may not. */
export async function claimHold(
  g: GatewayCtx,
  id: JsonRpcId,
  call: CallInfo,
  credential: Credential,
): Promise<{ ok: true; hold: Claimed } | { ok: false; answer: unknown }> {
  const offerKey = credential.protocol === "mpp" ? credential.challengeId : credential.offerKey;
  if (!offerKey) return { ok: false, answer: await claimRefused(g, id, call, "unknown", undefined) };
  const claimed = await gatewayLedger(g).claim({
    offerKey,
    tool: call.tool,
    agentId: g.tenant.agent.id,
    argsHash: call.argsHash,
    sessionId: g.session?.n ?? null,
    credential,
    holdMs: g.timeoutMs + CLAIM_MARGIN_MS,
    now: Date.now(),
  });
  if (!claimed.ok) return { ok: false, answer: denialError(id, unavailable(call.txId)) };
  const c = claimed.value;
  if (!c.ok) return { ok: false, answer: await claimRefused(g, id, call, c.reason, c.detail) };
  return {
    ok: true,
    hold: { reservationId: c.reservationId, lines: c.lines, offer: parseOfferTerms(c.terms) },
  };
}

async function claimRefused(
  g: GatewayCtx,
  id: JsonRpcId,
  call: CallInfo,
  reason: ClaimRefusal,
  detail: string | undefined,
): Promise<unknown> {
  const refusal = CLAIM_DENIAL[reason];
  const denial: Denial = {
    reason: refusal.reason,
    message: `${refusal.message}${detail ? `: ${detail}.` : ""} It was not forwarded.`,
    source: "gateway",
    transactionId: call.txId,
  };
  const facts = { kind: "payment", decision: "deny", status: "denied" } as const;
  await record(g, txRecord(g, call, { ...facts, reasonCode: denial.reason, reason: denial.message }));
  return denialError(id, denial);
}

/**
 * The request carrying the credential failed: `reached` false (a refused URL, an HTTP 4xx before the
 * tool ran) released; otherwise the credential may have been taken, so it commits unconfirmed.
 */
export async function settleUnanswered(
  g: GatewayCtx,
  hold: Claimed,
  reached: boolean,
  reason: string,
): Promise<void> {
  const paid = reached ? paidAmount(hold.offer, null) : {};
  await settle(
    g,
    hold.reservationId,
    reached ? { commit: true, unconfirmed: true, ...paid } : { commit: false, reason },
  );
  // Money may have moved: the anomaly watch counts it like any unconfirmed commit.
  if (reached) watchPayment(g, paidTx(g, hold, null, paid.paid ?? null), true);
}

export type PaidSettled =
  | { kind: "committed" | "unconfirmed"; paid: PaidAmount | null; receiptRef: string | null }
  | { kind: "refused" };

/** The answer's outcome (classifyPaidResponse or classifyHttpPaidResponse) settles the claimed hold. */
export async function settleOutcome(
  g: GatewayCtx,
  call: CallInfo,
  hold: Claimed,
  outcome: PaidOutcome,
): Promise<PaidSettled> {
  switch (outcome.kind) {
    case "receipt": {
      const paid = paidAmount(hold.offer, outcome.settledAmount);
      commitAfterAnswer(g, hold.reservationId, {
        commit: true,
        receiptRef: outcome.reference,
        ...actualAmounts(hold.lines, paid.paid ?? null),
        ...paid,
      });
      const settled = { kind: "committed", paid: paid.paid ?? null, receiptRef: outcome.reference } as const;
      committed(g, call, hold, settled);
      return settled;
    }
    case "refused":
      await settle(g, hold.reservationId, { commit: false, reason: "credential_refused" });
      return { kind: "refused" };
    case "maybe_paid":
    case "unpaid_success": {
      const paid = paidAmount(hold.offer, null);
      commitAfterAnswer(g, hold.reservationId, { commit: true, unconfirmed: true, ...paid });
      const settled = { kind: "unconfirmed", paid: paid.paid ?? null, receiptRef: null } as const;
      committed(g, call, hold, settled);
      return settled;
    }
  }
}

/** What was paid for an answer (by Tollgate's wallet, or by the agent), as `_meta["tollgate/payment"]` carries it. */
export function paymentEntry(
  hold: Claimed,
  settled: Exclude<PaidSettled, { kind: "refused" }>,
  paidBy: "tollgate" | "agent" = "tollgate",
) {
  const status = settled.kind === "committed" ? "committed" : "unconfirmed";
  return { paidBy, transactionId: hold.reservationId, amount: settled.paid, status };
}

export function walletRefused(call: CallInfo): Denial {
  return {
    reason: "payment_refused",
    message: "the upstream refused the wallet's payment; nothing was charged. The call was not retried.",
    source: "gateway",
    transactionId: call.txId,
  };
}

/**
 * What the credential paid: the bound offer's price, or x402's settled amount (at most the offer's:
 * an `upto` authorization cannot settle more, whatever the upstream reports).
 */
function paidAmount(offer: Offer | null, settled: bigint | null): { paid?: PaidAmount } {
  if (!offer?.currency || offer.decimals === null) return {};
  const amount = settled !== null && settled < offer.amount ? settled : offer.amount;
  return { paid: { amount: amount.toString(), currency: offer.currency, decimals: offer.decimals } };
}

/**
 * Lines in the paid offer's own unit are charged what was paid (the agent may pay a cheaper
 * alternative than the most expensive one reserved, or an `upto` may settle less), never above
 * what was reserved.
 */
function actualAmounts(
  lines: ClaimedLine[],
  paid: PaidAmount | null,
): { actualAmounts?: Record<string, string> } {
  if (!paid) return {};
  const unit = `${paid.currency}/${paid.decimals}`;
  const out: Record<string, string> = {};
  for (const line of lines) {
    if (line.kind !== "money" || line.unit !== unit) continue;
    if (BigInt(paid.amount) < BigInt(line.amount)) out[line.key] = paid.amount;
  }
  return Object.keys(out).length > 0 ? { actualAmounts: out } : {};
}

/** The transaction.committed webhook, priced by what was paid. */
function committed(
  g: GatewayCtx,
  call: CallInfo,
  hold: Claimed,
  s: { paid: PaidAmount | null; receiptRef: string | null; kind: "committed" | "unconfirmed" },
): void {
  notifyCommitted(g, paidTx(g, hold, call, s.paid), s.receiptRef, s.kind === "unconfirmed");
}

/** The committed tx as webhooks describe it: who paid, through which tool, to whom, how much. */
function paidTx(g: GatewayCtx, hold: Claimed, call: CallInfo | null, paid: PaidAmount | null) {
  return {
    id: hold.reservationId,
    agentId: g.tenant.agent.id,
    sessionId: g.session?.n ?? null,
    upstreamId: call?.upstreamId || null,
    tool: call?.tool ?? null,
    vendor: hold.offer?.recipient ?? null,
    amount: paid,
    walletId: g.tenant.payer.mode === "tollgate-pays" ? (g.tenant.payer.wallet?.id ?? null) : null,
  };
}
