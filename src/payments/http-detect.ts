// Recognises a payment request in a plain HTTP answer (tollgate_fetch): MPP `WWW-Authenticate: Payment`
// challenges, x402 v2 `PAYMENT-REQUIRED` and x402 v1 JSON bodies (reference 0, 1.1, 2.1, 2.2), as Offers.
import { decodeBase64Json, parseJsonText } from "./base64";
import { parseAuthChallenges, paymentChallengeObject } from "./http-auth";
import { mppOffers, type OfferBatch, x402Offers } from "./offers";
import type { PaymentRequired } from "./types";
import { asRecord, X402PaymentRequiredSchema } from "./wire";

/** What this module reads of a response: Fetch `Headers` fits (its get() joins repeated fields with ", "). */
export type HttpHeadersLike = { get(name: string): string | null };

/** An HTTP answer as the caller read it; `bodyText` null when it was not read (or not text). */
export type HttpAnswer = { status: number; headers: HttpHeadersLike; bodyText: string | null };

/**
 * The same record detectPaymentRequired gives for MCP, plus the x402 v2 `resource` a PaymentPayload
 * echoes (payOffer's `resource`). Source "http-unrecognized": a 402 carrying neither protocol, so no
 * offers and the price is unknown (the caller refuses; nothing can be paid).
 */
export type HttpPaymentRequired = PaymentRequired & { x402Resource: unknown };

export const WWW_AUTHENTICATE = "WWW-Authenticate";
export const PAYMENT_REQUIRED_HEADER = "PAYMENT-REQUIRED";

/** Bounds on what a hostile server can make us parse. */
const MAX_CHALLENGES = 32;
const MAX_BODY_PARSE = 64 * 1024;

/** The payment request in `answer`, or null when it is not one (only a 402 is). */
export function detectHttpPaymentRequired(answer: HttpAnswer): HttpPaymentRequired | null {
  if (answer.status !== 402) return null;
  const mpp = mppBatch(answer.headers.get(WWW_AUTHENTICATE));
  const v2 = x402HeaderBatch(answer.headers.get(PAYMENT_REQUIRED_HEADER));
  // x402's own client reads the header first and falls back to a v1 body only without one.
  const v1 = v2 === null || v2.batch.offers.length === 0 ? x402BodyBatch(answer.bodyText) : null;
  const x402 = v1 ?? v2;
  const batches = [mpp, v2?.batch, v1?.batch].filter((b): b is OfferBatch => b !== null && b !== undefined);
  const invalid = batches.flatMap((b) => b.invalid);
  if (mpp === null && x402 === null) {
    return {
      source: "http-unrecognized",
      offers: [],
      invalid: ["402 without an MPP Payment challenge or x402 payment requirements: price unknown"],
      x402Resource: null,
    };
  }
  const source =
    mpp !== null && x402 !== null
      ? "http-dual"
      : mpp !== null
        ? "http-mpp"
        : v1 !== null
          ? "http-x402-v1"
          : "http-x402-v2";
  return {
    source,
    offers: batches.flatMap((b) => b.offers),
    invalid,
    x402Resource: v1 === null ? (v2?.resource ?? null) : null,
  };
}

/** The Payment challenges of a `WWW-Authenticate` value as offers; null when there is none. */
function mppBatch(value: string | null): OfferBatch | null {
  if (value === null) return null;
  const payment = parseAuthChallenges(value).filter((c) => c.scheme.toLowerCase() === "payment");
  if (payment.length === 0) return null;
  const invalid: string[] = [];
  if (payment.length > MAX_CHALLENGES) invalid.push(`mpp: only the first ${MAX_CHALLENGES} challenges read`);
  const objects: Record<string, unknown>[] = [];
  payment.slice(0, MAX_CHALLENGES).forEach((challenge, index) => {
    const object = paymentChallengeObject(challenge);
    if (typeof object === "string") invalid.push(`mpp challenge ${index}: ${object}`);
    else objects.push(object);
  });
  const batch = objects.length > 0 ? mppOffers(objects) : { offers: [], invalid: [] };
  return { offers: batch.offers, invalid: [...invalid, ...batch.invalid] };
}

type X402Found = { batch: OfferBatch; resource: unknown };

function x402HeaderBatch(value: string | null): X402Found | null {
  if (value === null) return null;
  const decoded = asRecord(decodeBase64Json(value));
  if (decoded === null) return unreadable("x402 v2: PAYMENT-REQUIRED is not base64 of a JSON object");
  return x402Found(decoded, 2);
}

function x402BodyBatch(bodyText: string | null): X402Found | null {
  if (bodyText === null || bodyText.length > MAX_BODY_PARSE || !bodyText.trimStart().startsWith("{"))
    return null;
  const body = asRecord(parseJsonText(bodyText));
  // Only a v1 body is a signal: v2 puts everything in the header, whatever the body repeats.
  if (body === null || body.x402Version !== 1) return null;
  return x402Found(body, 1);
}

function x402Found(value: Record<string, unknown>, version: 1 | 2): X402Found {
  const parsed = X402PaymentRequiredSchema.safeParse(value);
  if (!parsed.success) return unreadable(`x402 v${version}: no accepts array`);
  if (parsed.data.x402Version !== version)
    return unreadable(`x402 v${version}: x402Version is ${String(parsed.data.x402Version).slice(0, 8)}`);
  const resource = version === 2 ? asRecord(value.resource) : null;
  return { batch: x402Offers(value, parsed.data.accepts), resource };
}

function unreadable(reason: string): X402Found {
  return { batch: { offers: [], invalid: [reason] }, resource: null };
}
