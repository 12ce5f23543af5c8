// Payer mode's choice among a challenge's alternatives: the cheapest offer the wallet can sign and the
// policy allows, costs compared in the org's quote currency through its own rate table (src/money).
import { type ConversionTable, convert, type Money, pow10 } from "../money";
import type { Offer } from "../payments";
import { cannotPay } from "./capability";
import type { TokenDomainConfig } from "./mpp-methods";
import type { MethodKind } from "./schema";

/** A wallet payment method as choose needs it: its id and kind (the public description, no secret). */
export type WalletMethodRef = { id: string; kind: MethodKind };

export type ChooseInput = {
  /** Alternatives for ONE payment, in server order. */
  offers: readonly Offer[];
  /** In preference order: the first method able to pay an offer is the one used for it. */
  methods: readonly WalletMethodRef[];
  now: number;
  /** The currency costs are compared (and budgets kept) in, e.g. "USD". */
  quoteCurrency: string;
  rates: ConversionTable;
  /** Policy and budget: why this offer may not be paid at `cost`, or null when it may. */
  denies: (offer: Offer, cost: Money) => string | null;
  tokenDomains?: readonly TokenDomainConfig[];
};

export const REJECTION_CODES = [
  "not_payable",
  "expired",
  "price_unknown",
  "no_method",
  "no_rate",
  "denied",
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];
export type Rejection = { offerKey: string; code: RejectionCode; reason: string };

export type Choice =
  | { ok: true; offer: Offer; methodId: string; cost: Money; rejected: Rejection[] }
  | { ok: false; code: "no_payable_offer"; message: string; rejected: Rejection[] };

/**
 * Picks the cheapest acceptable offer; ties go to server order (the order clients default to). Every
 * offer left out says why, so "nothing payable" can be explained (no rate, no method, policy...).
 */
export function chooseOffer(input: ChooseInput): Choice {
  const rejected: Rejection[] = [];
  let best: { offer: Offer; methodId: string; cost: Money } | null = null;
  for (const offer of input.offers) {
    const judged = judge(offer, input);
    if ("code" in judged) {
      rejected.push({ offerKey: offer.offerKey, ...judged });
      continue;
    }
    if (best === null || cheaper(judged.cost, best.cost)) best = { offer, ...judged };
  }
  if (best !== null) return { ok: true, ...best, rejected };
  const reasons = rejected.map((r) => r.reason);
  const message = reasons.length
    ? `no offer can be paid: ${reasons.join("; ")}`
    : "the challenge has no offers";
  return { ok: false, code: "no_payable_offer", message, rejected };
}

function judge(
  offer: Offer,
  input: ChooseInput,
): { methodId: string; cost: Money } | { code: RejectionCode; reason: string } {
  if (!offer.payable) return { code: "not_payable", reason: offer.unpayableReason ?? "not payable" };
  // Strict, unlike budgeting's skew: paying a challenge already expired by our clock is a wasted signature.
  if (offer.expiresAt !== null && offer.expiresAt <= input.now)
    return { code: "expired", reason: "the offer has expired" };
  if (offer.currency === null || offer.decimals === null)
    return { code: "price_unknown", reason: "the offer's asset or decimals are unknown" };
  const method = input.methods.find((m) => cannotPay(m.kind, offer, input.tokenDomains) === null);
  if (method === undefined) return { code: "no_method", reason: noMethodReason(offer, input) };
  const price: Money = { value: offer.amount, currency: offer.currency, decimals: offer.decimals };
  const converted = convert(price, input.quoteCurrency, input.rates);
  if (!converted.ok) return { code: "no_rate", reason: converted.error };
  const cost: Money = { value: converted.value, currency: converted.currency, decimals: converted.decimals };
  const denial = input.denies(offer, cost);
  return denial === null ? { methodId: method.id, cost } : { code: "denied", reason: denial };
}

function noMethodReason(offer: Offer, input: ChooseInput): string {
  if (input.methods.length === 0) return "the wallet has no payment methods";
  const reasons = new Set(input.methods.map((m) => cannotPay(m.kind, offer, input.tokenDomains)));
  return `no wallet method can pay it: ${[...reasons].join("; ")}`;
}

/** Both are in the quote currency; identity conversions keep the offer's decimals, so compare scaled. */
function cheaper(a: Money, b: Money): boolean {
  return a.value * pow10(b.decimals) < b.value * pow10(a.decimals);
}
