// The upstream asked for payment: budget the most expensive offer the agent could pay, judge the
// policy with the real price, and reserve before the challenge reaches the agent. The reservation is
// bound to this call (tool, arguments, session) and to the terms of the offers it covers, so only
// the paid retry of this very call, paying those terms, can claim it.

import type { OfferBind } from "../ledger/types";
import { MAX_TERMS_LENGTH, type Offer, offerTerms, type PaymentRequired, priceToBudget } from "../payments";
import type { ScopeLine } from "../policy";
import type { JsonRpcId } from "../protocol/jsonrpc";
import { withinCeiling } from "../services/call-approvals";
import { approvalGate } from "./approval-gate";
import { type CallInfo, txRecord } from "./call-record";
import type { GatewayCtx } from "./context";
import { evaluateCall, type PriceIn, policyDenial } from "./decide";
import type { Denial } from "./denial";
import { denialError } from "./denial";
import { reserveLines, unavailable } from "./ledger-calls";
import { coveredOffers, narrowChallenge } from "./narrow";
import { priceFields, refuse } from "./refuse";
import type { Emit } from "./respond";
import { gatewayLedger } from "./traced-ledger";

/** Clock skew allowed around a challenge's expiry. */
const SKEW_MS = 30_000;

export type Challenge = { payment: PaymentRequired; message: unknown };

export type PricedCall = {
  id: JsonRpcId;
  call: CallInfo;
  /** The vendor when the offer names no recipient or realm: the upstream's namespace. */
  vendorDefault: string;
  /** The vendor whatever the offer names (tollgate_fetch: the URL's host, which the agent chose). */
  vendor?: string;
  challenge: Challenge;
  /** Present when the answer is a stream: an inline approval question can be asked on it. */
  emit?: Emit | undefined;
};

export async function priced(g: GatewayCtx, p: PricedCall): Promise<unknown> {
  const now = Date.now();
  const chosen = priceToBudget(p.challenge.payment, now);
  if (!chosen.ok) return refuse(g, p.id, p.call, { denial: unpriced(p.call, chosen), kind: "payment" });
  const covered = coveredOffers(p.challenge.payment, chosen.offer);
  const held = await holdOffer(g, p, { offer: chosen.offer, covered, now });
  if (!held.ok) return held.answer;
  return narrowChallenge(p.challenge.message, new Set(held.bind.offers.map((o) => o.key)));
}

export function unpriced(call: CallInfo, chosen: { code: string; message: string }): Denial {
  return {
    reason: chosen.code === "expired" ? "challenge_expired" : "price_unknown",
    message: chosen.message,
    source: "gateway",
    transactionId: call.txId,
  };
}

export type Hold = {
  /** The offer budgeted, and every offer a paid retry may pay through this hold. */
  offer: Offer;
  covered: Offer[];
  now: number;
  /** More lines to reserve with the call's own (a paying wallet's caps). */
  extraLines?: ScopeLine[];
  /** Stamped on the transaction: the wallet Tollgate pays with. */
  walletId?: string;
};

export type Held =
  | { ok: true; holdId: string; bind: OfferBind; price: NonNullable<PriceIn>; vendor: string }
  | { ok: false; answer: unknown };

/**
 * Judges the call at the offer's price (approvals included) and reserves every line, bound to this
 * call and to the covered offers' terms; a hold an approval made is bound instead of a new one.
 */
export async function holdOffer(g: GatewayCtx, p: PricedCall, h: Hold): Promise<Held> {
  const { id, call, emit } = p;
  const { offer, now } = h;
  const price = { amount: offer.amount, currency: offer.currency!, decimals: offer.decimals! };
  const vendor = p.vendor ?? offer.recipient ?? offer.realm ?? p.vendorDefault;
  const first = evaluateCall(g, call, { price, vendor, now, approved: approvedFor(call, price) });
  const gate = await approvalGate(g, { call, decision: first, price, vendor, now, emit });
  const fail = async (denial: Denial, decision = first, recorded = false) => ({
    ok: false as const,
    answer: await refuse(g, id, call, { denial, decision, price, kind: "payment", vendor, recorded }),
  });
  if (!gate.proceed) return fail(gate.denial);
  const decision = gate.decision;
  call.approval = gate.approval;
  const refused = policyDenial(decision, price, call.txId);
  if (refused) return fail(refused, decision);

  // Only offers this reservation covers can be paid through it; others are refused at the retry.
  const bind = bindingFor(g, call, h.covered);
  if (bind.offers.length === 0) {
    const denial: Denial = {
      reason: "price_unknown",
      message:
        "the payment offer is too large to be bound to a reservation, so it cannot be paid through Tollgate.",
      source: "gateway",
      transactionId: call.txId,
    };
    return fail(denial, decision);
  }
  if (gate.holdId) {
    const bound = await bindHold(g, p, gate.holdId, bind);
    return bound.ok ? { ok: true, holdId: gate.holdId, bind, price, vendor } : bound;
  }
  const expiresAt = offer.expiresAt ?? now + (offer.maxTimeoutSeconds ?? 300) * 1000;
  const ttlMs = Math.min(Math.max(expiresAt - now + SKEW_MS, 1_000), 86_400_000);
  const hold = await reserveLines(g, {
    txId: call.txId,
    lines: [...decision.scopes.filter((l) => l.kind === "money"), ...(h.extraLines ?? [])],
    ttlMs,
    price,
    tx: {
      ...txRecord(
        g,
        call,
        {
          kind: "payment",
          decision: "allow",
          status: "reserved",
          ...priceFields(price, vendor),
          challengeId: offer.protocol === "mpp" ? offer.offerKey : null,
        },
        decision,
      ),
      ...(h.walletId ? { walletId: h.walletId } : {}),
    },
    bind,
  });
  if (!hold.ok) return fail(hold.denial, decision, hold.denial.reason === "budget_exceeded");
  return { ok: true, holdId: call.txId, bind, price, vendor };
}

/**
 * How an approval that let the unpriced call through applies to its price: within the approver's
 * ceiling it lifts caps escalated to approval; with no ceiling, approval rules pass but the policy's
 * own caps and thresholds still hold; above the ceiling it does not apply (a new approval is asked).
 */
function approvedFor(call: CallInfo, price: { amount: bigint; currency: string; decimals: number }) {
  if (!call.approval) return false;
  if (call.approval.ceiling === null) return "within_caps" as const;
  return withinCeiling(call.approval.ceiling, price);
}

/** The binding a paid retry must match: this agent's call and the terms of each covered offer. */
function bindingFor(g: GatewayCtx, call: CallInfo, covered: Offer[]): OfferBind {
  const offers = covered
    .map((o) => ({ key: o.offerKey, terms: offerTerms(o) }))
    .filter((o) => o.terms.length <= MAX_TERMS_LENGTH);
  return {
    offers,
    tool: call.tool,
    agentId: g.tenant.agent.id,
    argsHash: call.argsHash,
    sessionId: g.session?.n ?? null,
  };
}

/** An approved price is already held: bind this challenge's offers to the hold instead of reserving. */
async function bindHold(
  g: GatewayCtx,
  p: PricedCall,
  holdId: string,
  bind: OfferBind,
): Promise<{ ok: true } | { ok: false; answer: unknown }> {
  const { id, call } = p;
  const r = await gatewayLedger(g).attachOffers({
    reservationId: holdId,
    bind,
    now: Date.now(),
  });
  if (!r.ok) return { ok: false, answer: denialError(id, unavailable(call.txId)) };
  if (!r.value.ok) {
    const denial: Denial = {
      reason: "approval_expired",
      message: "the budget held for this approval is no longer available; call again to ask anew.",
      source: "gateway",
      ...(call.approval ? { approvalId: call.approval.id } : {}),
      transactionId: holdId,
    };
    return { ok: false, answer: await refuse(g, id, call, { denial, kind: "payment" }) };
  }
  return { ok: true };
}
