// The offer a payment credential pays, parsed from what it echoes (MPP challenge, x402 accepted).
import type { Credential, Offer } from "../payments";
import { mppOffers, x402Offers } from "../payments/offers";

export function paidOffer(credential: Credential): Offer | null {
  if (credential.protocol === "mpp") return mppOffers([credential.challenge]).offers[0] ?? null;
  if (!credential.accepted) return null;
  return x402Offers({ x402Version: credential.x402Version ?? 2 }, [credential.accepted]).offers[0] ?? null;
}
