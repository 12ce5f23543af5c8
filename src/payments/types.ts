// The normalized payment records this module hands to the gateway: offers, credentials, paid outcomes.
import { z } from "zod";

export const OfferSchema = z.object({
  protocol: z.enum(["mpp", "x402"]),
  x402Version: z.union([z.literal(1), z.literal(2)]).nullable(),
  /** MPP method (tempo, stripe, test...) or x402 scheme (exact, upto). */
  method: z.string(),
  /** MPP intent (charge, session, subscription); for x402 the scheme again. */
  intent: z.string(),
  /** x402 network as sent, or MPP methodDetails.chainId as "eip155:<id>". */
  network: z.string().nullable(),
  /** Currency/asset as sent; 0x addresses lowercased. */
  asset: z.string(),
  /** Symbol from the asset table; null when unknown (price unknown, fail closed). */
  currency: z.string().nullable(),
  decimals: z.number().int().nonnegative().nullable(),
  /** Base units. For x402 `upto` this is the maximum. */
  amount: z.bigint().nonnegative(),
  recipient: z.string().nullable(),
  realm: z.string().nullable(),
  /** Epoch ms (MPP `expires`); x402 has only the relative maxTimeoutSeconds. */
  expiresAt: z.number().nullable(),
  maxTimeoutSeconds: z.number().int().nonnegative().nullable(),
  /** MPP: challenge id; x402 v2: JCS of the accepts entry; x402 v1: scheme|network|payTo|asset. */
  offerKey: z.string(),
  /** False when the amount cannot be budgeted exactly (session, subscription, unknown scheme). */
  payable: z.boolean(),
  /** Why payable is false; null when payable. */
  unpayableReason: z.string().nullable(),
  /** The challenge / accepts entry as received, for credential matching. Never a credential. */
  raw: z.unknown(),
});
export type Offer = z.infer<typeof OfferSchema>;

export const PAYMENT_REQUIRED_SOURCES = [
  "mpp-error",
  "mpp-verification-failed",
  "mpp-result-meta",
  "x402-result",
  "x402-result-meta",
  "x402-text-wrapper",
  "jsonrpc-402",
  "mpp-dual",
  // HTTP 402 answers to tollgate_fetch (http-detect.ts); "http-unrecognized" is a 402 with neither
  // protocol's challenge: no offers, price unknown.
  "http-mpp",
  "http-x402-v1",
  "http-x402-v2",
  "http-dual",
  "http-unrecognized",
] as const;

export const PaymentRequiredSchema = z.object({
  source: z.enum(PAYMENT_REQUIRED_SOURCES),
  /** Alternatives for ONE payment: never add them up. */
  offers: z.array(OfferSchema),
  /** Why some offers could not be parsed; never contains payload contents. */
  invalid: z.array(z.string()),
});
export type PaymentRequired = z.infer<typeof PaymentRequiredSchema>;

export const CredentialSchema = z.discriminatedUnion("protocol", [
  z.object({
    protocol: z.literal("mpp"),
    challengeId: z.string(),
    /** The echoed challenge (server data); the proof payload is never exposed. */
    challenge: z.unknown(),
  }),
  z.object({
    protocol: z.literal("x402"),
    x402Version: z.union([z.literal(1), z.literal(2)]).nullable(),
    /** v2: JCS of `accepted`; v1 (no echo): x402v1OfferKey(scheme, network, payTo); null when unreadable. */
    offerKey: z.string().nullable(),
    accepted: z.unknown().nullable(),
    /** payload.authorization.value, strictly parsed. */
    authorizedAmount: z.bigint().nullable(),
    /** payload.authorization.to. */
    payTo: z.string().nullable(),
    /** payload.authorization.validAfter / validBefore: unix seconds, strictly parsed. */
    validAfter: z.bigint().nullable(),
    validBefore: z.bigint().nullable(),
    /** v1 top-level scheme/network (v2: from `accepted`). */
    scheme: z.string().nullable(),
    network: z.string().nullable(),
  }),
]);
export type Credential = z.infer<typeof CredentialSchema>;

export const PaidOutcomeSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("receipt"),
    reference: z.string().nullable(),
    challengeId: z.string().nullable(),
    /** x402 SettleResponse.amount when sent (matters for `upto`); null otherwise. */
    settledAmount: z.bigint().nullable(),
  }),
  z.object({ kind: z.literal("refused"), reason: z.string() }),
  z.object({ kind: z.literal("maybe_paid"), reason: z.string() }),
  z.object({ kind: z.literal("unpaid_success") }),
]);
export type PaidOutcome = z.infer<typeof PaidOutcomeSchema>;

export type BudgetChoice =
  | { ok: true; offer: Offer }
  | { ok: false; code: "no_payable_offer" | "price_unknown" | "expired"; message: string };
