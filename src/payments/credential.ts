// Reads the payment credential a client attaches to a tools/call and checks it answers a known offer.
// The proof payload (signatures, tokens) never leaves this module: only the echoed challenge and x402 terms do.
import { parseBaseUnits } from "./amount";
import { decodeBase64Json } from "./base64";
import { tryCanonicalJson } from "./jcs";
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
 * The credential on a request, or null when there is none or it cannot be parsed. If a request carries both
 * an MPP and an x402 credential the MPP one is returned (its echo binds it to one challenge).
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
  return {
    protocol: "x402",
    x402Version: x402Version(payment.x402Version),
    offerKey: accepted === null ? null : tryCanonicalJson(accepted),
    accepted,
    authorizedAmount: parseBaseUnits(auth?.value),
    payTo: typeof auth?.to === "string" ? auth.to : null,
    scheme: stringOrNull(accepted?.scheme ?? payment.scheme),
    network: stringOrNull(accepted?.network ?? payment.network),
  };
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/** Whether `credential` pays exactly `offer` (reference 3.3). */
export function credentialMatchesOffer(credential: Credential, offer: Offer): boolean {
  if (credential.protocol === "mpp")
    return offer.protocol === "mpp" && mppMatches(credential.challenge, offer);
  if (offer.protocol !== "x402") return false;
  if (credential.accepted !== null) {
    return (
      offer.x402Version !== 1 &&
      credential.offerKey === offer.offerKey &&
      termsMatch(credential, offer, false)
    );
  }
  return (
    credential.scheme === offer.method &&
    credential.network === offer.network &&
    offer.x402Version !== 2 &&
    termsMatch(credential, offer, true)
  );
}

function mppMatches(echoed: unknown, offer: Offer): boolean {
  const sent = normalizeChallenge(echoed);
  const offered = normalizeChallenge(offer.raw);
  if (sent === null || offered === null) return false;
  return (
    sent.id === offer.offerKey &&
    sent.id === offered.id &&
    sent.method === offered.method &&
    sent.intent === offered.intent &&
    tryCanonicalJson(sent.request) !== null &&
    tryCanonicalJson(sent.request) === tryCanonicalJson(offered.request)
  );
}

/**
 * The signed authorization must pay the offered recipient the offered amount (`upto`: at most it). v1 has no
 * echo, so the authorization is the only evidence and must be present; v2 payloads without an EVM
 * authorization (e.g. Solana transactions) rest on the `accepted` echo.
 */
function termsMatch(
  credential: Extract<Credential, { protocol: "x402" }>,
  offer: Offer,
  required: boolean,
): boolean {
  const { authorizedAmount, payTo } = credential;
  if (authorizedAmount === null || payTo === null)
    return !required && authorizedAmount === null && payTo === null;
  const amountOk =
    offer.method === "upto" ? authorizedAmount <= offer.amount : authorizedAmount === offer.amount;
  return amountOk && offer.recipient !== null && sameAddress(payTo, offer.recipient);
}

function sameAddress(a: string, b: string): boolean {
  return /^0x/i.test(a) && /^0x/i.test(b) ? a.toLowerCase() === b.toLowerCase() : a === b;
}
