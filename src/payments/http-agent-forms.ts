// tollgate_fetch for agents that pay themselves: an HTTP 402's offers in the MCP forms an agent's
// client pays (MPP -32042 challenges, x402 PaymentRequired), the agent's MCP credential back in the
// HTTP header the server reads, and the server's receipt header in its MCP `_meta` form.
import { decodeBase64Json, encodeBase64Text, encodeBase64UrlText } from "./base64";
import { credentialHeaderName, type HeaderCredential } from "./http-credential";
import type { HttpHeadersLike } from "./http-detect";
import { MPP_RECEIPT_HEADER, X402_V1_RESPONSE_HEADER, X402_V2_RESPONSE_HEADER } from "./http-outcome";
import { tryCanonicalJson } from "./jcs";
import type { Offer } from "./types";
import {
  asRecord,
  MPP_CREDENTIAL_KEY,
  MPP_RECEIPT_KEY,
  metaOf,
  X402_PAYMENT_KEY,
  X402_RESPONSE_KEY,
} from "./wire";

/** What an MCP client is shown for a 402: the offers' challenges as the MCP transports carry them. */
export type McpChallenge =
  | { kind: "mpp"; data: { httpStatus: 402; challenges: unknown[]; x402?: Record<string, unknown> } }
  | { kind: "x402"; paymentRequired: Record<string, unknown> };

/**
 * The MCP form of `offers` (the covered ones, budgeted first): MPP challenges as received (their
 * `request` already an object) with any x402 alternatives in `data.x402` (mppx's dual form), or,
 * x402 only, a PaymentRequired with only these requirements. Null when there is no offer.
 */
export function mcpChallengeOf(
  offers: readonly Offer[],
  x402Resource: unknown,
  error: string,
): McpChallenge | null {
  const mpp = offers.filter((o) => o.protocol === "mpp").map((o) => o.raw);
  const x402 = offers.filter((o) => o.protocol === "x402");
  const first = x402[0];
  const paymentRequired =
    first === undefined
      ? null
      : {
          x402Version: first.x402Version ?? 2,
          error,
          ...(first.x402Version === 2 && x402Resource ? { resource: x402Resource } : {}),
          accepts: x402.filter((o) => o.x402Version === first.x402Version).map((o) => o.raw),
        };
  if (mpp.length > 0)
    return {
      kind: "mpp",
      data: { httpStatus: 402, challenges: mpp, ...(paymentRequired ? { x402: paymentRequired } : {}) },
    };
  return paymentRequired ? { kind: "x402", paymentRequired } : null;
}

/**
 * The one credential in a request's `_meta` (params._meta first, then the root), as the agent sent
 * it. Callers count credentials first (credentialCount) and refuse more than one.
 */
export function credentialMetaValue(message: unknown): { key: string; value: unknown } | null {
  const request = asRecord(message);
  for (const meta of [metaOf(request?.params), metaOf(request)]) {
    if (meta === null) continue;
    for (const key of [MPP_CREDENTIAL_KEY, X402_PAYMENT_KEY])
      if (meta[key] !== undefined) return { key, value: meta[key] };
  }
  return null;
}

/**
 * The agent's MCP credential for `offer` as the HTTP header the 402 asked for: MPP `Payment
 * <b64url(JSON)>` with the echoed `request` re-encoded as base64url(JCS) (the only encoding
 * http-detect accepts in a challenge, so exactly the 402's string), x402 base64 of the PaymentPayload
 * in X-PAYMENT (v1) or PAYMENT-SIGNATURE (v2). A string says why it cannot be converted.
 */
export function agentHeaderCredential(offer: Offer, key: string, value: unknown): HeaderCredential | string {
  const name = credentialHeaderName(offer);
  if (offer.protocol === "x402") {
    if (key !== X402_PAYMENT_KEY) return "an MPP credential for an x402 offer";
    const payload = asRecord(typeof value === "string" ? decodeBase64Json(value) : value);
    if (payload === null) return "the x402 payment is not a PaymentPayload object";
    return { where: "header", name, value: encodeBase64Text(JSON.stringify(payload)) };
  }
  if (key !== MPP_CREDENTIAL_KEY) return "an x402 credential for an MPP offer";
  const credential = asRecord(
    typeof value === "string" ? decodeBase64Json(value.replace(/^Payment\s+/i, "")) : value,
  );
  const challenge = asRecord(credential?.challenge);
  if (credential === null || challenge === null || !("payload" in credential))
    return "the MPP credential has no challenge or payload";
  const wire = mppWireChallenge(challenge);
  if (typeof wire === "string") return wire;
  const source = credential.source;
  const json = JSON.stringify({
    challenge: wire,
    payload: credential.payload,
    ...(source !== undefined ? { source } : {}),
  });
  return { where: "header", name, value: `Payment ${encodeBase64UrlText(json)}` };
}

/** mppx's Credential.serialize for the challenge: `request` (and `meta`, as `opaque`) as base64url JCS. */
function mppWireChallenge(challenge: Record<string, unknown>): Record<string, unknown> | string {
  const { meta, opaque, request, ...rest } = challenge;
  const encode = (v: unknown) => {
    const text = asRecord(v) === null ? null : tryCanonicalJson(v);
    return text === null ? null : encodeBase64UrlText(text);
  };
  // An echo in the HTTP form is decoded and re-encoded: only the canonical spelling is the 402's.
  const wireRequest = encode(typeof request === "string" ? decodeBase64Json(request) : request);
  if (wireRequest === null) return "the echoed challenge's request is not a JSON object";
  // `opaque` is bound as the string the server sent; mppx's client may hold it decoded, as `meta`.
  const wireOpaque = typeof opaque === "string" ? opaque : meta !== undefined ? encode(meta) : undefined;
  if (wireOpaque === null) return "the echoed challenge's opaque is not a JSON object";
  return { ...rest, ...(wireOpaque !== undefined ? { opaque: wireOpaque } : {}), request: wireRequest };
}

/** The server's receipt header in the `_meta` an MCP payer reads it from; empty when none decodes. */
export function receiptMeta(headers: HttpHeadersLike): Record<string, unknown> {
  const mpp = asRecord(decodeHeader(headers.get(MPP_RECEIPT_HEADER)));
  if (mpp !== null) return { [MPP_RECEIPT_KEY]: mpp };
  const settle = headers.get(X402_V2_RESPONSE_HEADER) ?? headers.get(X402_V1_RESPONSE_HEADER);
  const x402 = asRecord(decodeHeader(settle));
  return x402 !== null ? { [X402_RESPONSE_KEY]: x402 } : {};
}

function decodeHeader(value: string | null): unknown {
  return value === null || value.length > 16 * 1024 ? null : decodeBase64Json(value);
}
