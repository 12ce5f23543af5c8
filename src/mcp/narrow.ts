// Narrowing a payment challenge to the offers the reservation covers. Offers are independent
// alternatives (each MPP challenge is bound by its own id), so dropping some is safe; it keeps an
// agent from paying an offer Tollgate could not price, which would then be refused.
import type { Offer, PaymentRequired } from "../payments";

/** Offers the reservation for `budgeted` covers: payable, same unit, not more expensive. */
export function coveredOffers(payment: PaymentRequired, budgeted: Offer): Offer[] {
  // The ledger binds at most 16 offer keys to one reservation; the budgeted offer always comes first.
  const covered = payment.offers.filter(
    (o) =>
      o.payable &&
      o.currency === budgeted.currency &&
      o.decimals === budgeted.decimals &&
      o.amount <= budgeted.amount &&
      (o.expiresAt === null || budgeted.expiresAt === null || o.expiresAt <= budgeted.expiresAt + 60_000),
  );
  return [budgeted, ...covered.filter((o) => o.offerKey !== budgeted.offerKey)].slice(0, 16);
}

/** The upstream's message with MPP challenges outside `keep` removed (unchanged when none are). */
export function narrowChallenge(message: unknown, keep: Set<string>): unknown {
  const error = (message as { error?: { data?: { challenges?: unknown } } } | null)?.error;
  const challenges = error?.data?.challenges;
  if (!Array.isArray(challenges)) return message;
  const kept = challenges.filter((c) => keep.has(String((c as { id?: unknown } | null)?.id)));
  if (kept.length === challenges.length || kept.length === 0) return message;
  const m = message as { error: { data: Record<string, unknown> } };
  return { ...m, error: { ...m.error, data: { ...m.error.data, challenges: kept } } };
}
