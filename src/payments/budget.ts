// Chooses the one offer whose price the gateway reserves before the client pays (reference 3.3).
import type { BudgetChoice, Offer, PaymentRequired } from "./types";

/** Servers and gateway clocks disagree a little; an offer is expired only this long after its expiry. */
export const EXPIRY_SKEW_MS = 30_000;

/**
 * Offers are alternatives for one payment, so the gateway reserves the most expensive one the client could
 * pay. Amounts compare only within one (currency, decimals); with several currencies the currency of the
 * first priceable offer in server order wins (the clients' default pick is server order too), and the most
 * expensive offer in that currency is chosen. A credential for any other offer will not match the reserved
 * one (credentialMatchesOffer), which the caller must treat as a denial. Unknown currency fails closed.
 */
export function priceToBudget(pr: PaymentRequired, now: number): BudgetChoice {
  const payable = pr.offers.filter((offer) => offer.payable);
  if (payable.length === 0) {
    const reasons = [...pr.offers.map((offer) => offer.unpayableReason ?? "not payable"), ...pr.invalid];
    return fail(
      "no_payable_offer",
      `no offer can be budgeted${reasons.length ? `: ${reasons.join("; ")}` : ""}`,
    );
  }
  const live = payable.filter((offer) => offer.expiresAt === null || now < offer.expiresAt + EXPIRY_SKEW_MS);
  if (live.length === 0) return fail("expired", "every payable offer has expired");
  const priced = live.filter((offer) => offer.currency !== null && offer.decimals !== null);
  const first = priced[0];
  if (first === undefined) {
    return fail(
      "price_unknown",
      "no payable offer is in a currency the gateway knows (unknown asset or decimals)",
    );
  }
  let chosen = first;
  for (const offer of priced) {
    if (sameUnit(offer, first) && offer.amount > chosen.amount) chosen = offer;
  }
  return { ok: true, offer: chosen };
}

function sameUnit(a: Offer, b: Offer): boolean {
  return a.currency === b.currency && a.decimals === b.decimals;
}

function fail(code: "no_payable_offer" | "price_unknown" | "expired", message: string): BudgetChoice {
  return { ok: false, code, message };
}
