// Reads the payment credential a client attaches to a tools/call and checks it answers a known offer.
// The proof payload (signatures, tokens) never leaves this module: only the echoed challenge and x402 terms do.
import { parseBaseUnits } from "./amount";
import { decodeBase64Json } from "./base64";
import { tryCanonicalJson } from "./jcs";
import { x402v1OfferKey } from "./offers";
import type { Credential, Offer } from "./types";
import {
  AuthorizationHolderSchema,
  asRecord,
  MPP_CREDENTIAL_KEY,
  MppChallengeSchema,
  metaOf,
  X402_PAYMENT_KEY,
  X402PaymentPayloadSchema,
  x402Version,
} from "./wire";

/** Where a credential may sit: params._meta for MCP, root _meta for generic JSON-RPC. */
function metas(message: unknown): Record<string, unknown>[] {
  const request = asRecord(message);
  if (request === null) return [];
  return [metaOf(request.params), metaOf(request)].filter((meta) => meta !== null);
}

/** True when any payment credential key is present, parseable or not: an unparseable one must not be forwarded. */
export function hasPaymentCredential(message: unknown): boolean {
  return metas(message).some(
    (meta) => meta[MPP_CREDENTIAL_KEY] !== undefined || meta[X402_PAYMENT_KEY] !== undefined,
  );
}

/**
 * How many credentials a request carries, parseable or not, counting every place an upstream might
 * read one (params._meta and root _meta, MPP and x402). More than one is refused: the gateway checks
 * one credential against one reservation, and an upstream could settle the other.
 */
export function credentialCount(message: unknown): number {
  let n = 0;
  for (const meta of metas(message)) {
    if (meta[MPP_CREDENTIAL_KEY] !== undefined) n++;
    if (meta[X402_PAYMENT_KEY] !== undefined) n++;
  }
  return n;
}

/**
 * The credential on a request, or null when there is none or it cannot be parsed. Callers refuse a
 * request with credentialCount() > 1 first; with both kinds present the MPP one would be returned.
 */
export function extractCredential(message: unknown): Credential | null {
  const found = metas(message);
  for (const meta of found) {
    const mpp = mppCredential(meta[MPP_CREDENTIAL_KEY]);
    if (mpp !== null) return mpp;
  }
  for (const meta of found) {
    const x402 = x402Credential(meta[X402_PAYMENT_KEY]);
    if (x402 !== null) return x402;
  }
  return null;
}

function mppCredential(value: unknown): Credential | null {
  // The MCP form is an object; tolerate the HTTP form ("Payment <b64url>") some clients copy into _meta.
  const decoded = typeof value === "string" ? decodeBase64Json(value.replace(/^Payment\s+/i, "")) : value;
  const credential = asRecord(decoded);
  if (credential === null || !("payload" in credential)) return null;
  const challenge = normalizeChallenge(credential.challenge);
  if (challenge === null) return null;
  return { protocol: "mpp", challengeId: challenge.id, challenge };
}

/** The echoed challenge with `request` as an object (the HTTP form carries it as base64url JCS). */
function normalizeChallenge(value: unknown): (Record<string, unknown> & { id: string }) | null {
  const record = asRecord(value);
  if (record === null) return null;
  const request = typeof record.request === "string" ? decodeBase64Json(record.request) : record.request;
  const parsed = MppChallengeSchema.safeParse({ ...record, request });
  return parsed.success ? parsed.data : null;
}

function x402Credential(value: unknown): Credential | null {
  // Cloudflare withX402 sends btoa(JSON.stringify(payload)); the spec sends the object.
  const decoded = typeof value === "string" ? decodeBase64Json(value) : value;
  const parsed = X402PaymentPayloadSchema.safeParse(decoded);
  if (!parsed.success) return null;
  const payment = parsed.data;
  const accepted = asRecord(payment.accepted);
  const authorization = AuthorizationHolderSchema.safeParse(payment.payload);
  const auth = authorization.success ? authorization.data.authorization : null;
  const version = x402Version(payment.x402Version);
  const payTo = typeof auth?.to === "string" ? auth.to : null;
  const scheme = stringOrNull(accepted?.scheme ?? payment.scheme);
  const network = stringOrNull(accepted?.network ?? payment.network);
  const v1Key = version === 1 && scheme && network && payTo ? x402v1OfferKey(scheme, network, payTo) : null;
  return {
    protocol: "x402",
    x402Version: version,
    offerKey: accepted === null ? v1Key : tryCanonicalJson(accepted),
    accepted: accepted === null ? null : requirementFields(accepted),
    authorizedAmount: parseBaseUnits(auth?.value),
    payTo,
    validAfter: parseBaseUnits(auth?.validAfter),
    validBefore: parseBaseUnits(auth?.validBefore),
    scheme,
    network,
  };
}

const REQUIREMENT_FIELDS = ["scheme", "network", "amount", "asset", "payTo", "maxTimeoutSeconds"] as const;

/**
 * The echoed requirement's own terms, primitives only: matching uses the offer key (the whole echo,
 * canonical), so nothing else is kept, and whatever else the agent put there (a payload, a
 * signature) never travels on with the credential.
 */
function requirementFields(accepted: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of REQUIREMENT_FIELDS) {
    const v = accepted[key];
    if (typeof v === "string" || typeof v === "number") out[key] = v;
  }
  return out;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/** Whether `credential` pays exactly `offer` (reference 3.3); see credentialMismatch for why not. */
export function credentialMatchesOffer(credential: Credential, offer: Offer, now?: number): boolean {
  return credentialMismatch(credential, offer, now) === null;
}

/** Clock skew allowed around an authorization's validity window. */
const SKEW_S = 60n;

/**
 * Why `credential` does not pay exactly `offer`, or null when it does. With `now`, an x402
 * authorization must also be valid now and expire within the offer's maxTimeoutSeconds: one valid
 * for longer could be settled after the reservation that budgets it is gone.
 */
export function credentialMismatch(credential: Credential, offer: Offer, now?: number): string | null {
  if (credential.protocol === "mpp") {
    if (offer.protocol !== "mpp") return "an MPP credential for an x402 offer";
    return mppMatches(credential.challenge, offer)
      ? null
      : "the echoed challenge differs from the one issued";
  }
  if (offer.protocol !== "x402") return "an x402 credential for an MPP offer";
  if (credential.accepted !== null) {
    if (offer.x402Version === 1) return "a v2 payload for a v1 offer";
    if (credential.offerKey !== offer.offerKey)
      return "the accepted requirement differs from the one offered";
    return termsMismatch(credential, offer, false) ?? windowMismatch(credential, offer, now);
  }
  if (offer.x402Version === 2) return "a v1 payload for a v2 offer";
  if (credential.scheme !== offer.method || credential.network !== offer.network)
    return "the scheme or network differs from the offer";
  return termsMismatch(credential, offer, true) ?? windowMismatch(credential, offer, now);
}

/** The challenge fields a credential must echo unchanged (the MPP draft's binding fields). */
const BOUND_FIELDS = ["id", "realm", "method", "intent", "request", "expires", "digest", "opaque"] as const;

function mppMatches(echoed: unknown, offer: Offer): boolean {
  const sent = normalizeChallenge(echoed);
  const offered = normalizeChallenge(offer.raw);
  if (sent === null || offered === null || sent.id !== offer.offerKey) return false;
  const pick = (c: Record<string, unknown>) => tryCanonicalJson(BOUND_FIELDS.map((f) => c[f] ?? null));
  const a = pick(sent);
  return a !== null && a === pick(offered);
}

/**
 * The signed authorization must pay the offered recipient the offered amount (`upto`: at most it). v1 has no
 * echo, so the authorization is the only evidence and must be present; v2 payloads without an EVM
 * authorization (e.g. Solana transactions) rest on the `accepted` echo.
 */
function termsMismatch(
  credential: Extract<Credential, { protocol: "x402" }>,
  offer: Offer,
  required: boolean,
): string | null {
  const { authorizedAmount, payTo } = credential;
  if (authorizedAmount === null || payTo === null) {
    return !required && authorizedAmount === null && payTo === null
      ? null
      : "the authorization's value or recipient is missing";
  }
  if (offer.method === "upto" ? authorizedAmount > offer.amount : authorizedAmount !== offer.amount)
    return `the authorization's value ${authorizedAmount} differs from the offered ${offer.amount}`;
  if (offer.recipient === null || !sameAddress(payTo, offer.recipient))
    return "the authorization pays another recipient than the offer";
  return null;
}

function windowMismatch(
  credential: Extract<Credential, { protocol: "x402" }>,
  offer: Offer,
  now: number | undefined,
): string | null {
  const { validAfter, validBefore } = credential;
  if (now === undefined || (validAfter === null && validBefore === null && credential.payTo === null))
    return null;
  if (validAfter === null || validBefore === null) return "the authorization has no validity window";
  const nowS = BigInt(Math.floor(now / 1000));
  if (validAfter > nowS + SKEW_S) return "the authorization is not valid yet";
  if (validBefore <= nowS) return "the authorization has expired";
  const longest = BigInt(offer.maxTimeoutSeconds ?? 300) + SKEW_S;
  if (validBefore - nowS > longest)
    return `the authorization stays valid ${validBefore - nowS} s, longer than the offer's ${offer.maxTimeoutSeconds ?? 300} s`;
  return null;
}

function sameAddress(a: string, b: string): boolean {
  return /^0x/i.test(a) && /^0x/i.test(b) ? a.toLowerCase() === b.toLowerCase() : a === b;
}
