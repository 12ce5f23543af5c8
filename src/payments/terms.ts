// An offer's terms as a reservation keeps them, so the paid retry's credential can be checked against
// exactly what was budgeted: JSON with the amount as a digit string (JSON has no bigint).
import { type Offer, OfferSchema } from "./types";

/** Longest terms text a reservation stores per offer; a larger offer cannot be bound. */
export const MAX_TERMS_LENGTH = 16_384;

export function offerTerms(offer: Offer): string {
  return JSON.stringify({ ...offer, amount: offer.amount.toString() });
}

/** The offer back from offerTerms(); null for anything else. */
export function parseOfferTerms(text: string): Offer | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const amount = (value as { amount?: unknown } | null)?.amount;
  if (typeof amount !== "string" || !/^(0|[1-9][0-9]{0,77})$/.test(amount)) return null;
  const parsed = OfferSchema.safeParse({ ...(value as object), amount: BigInt(amount) });
  return parsed.success ? parsed.data : null;
}
