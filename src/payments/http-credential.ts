// Request headers for tollgate_fetch: which header carries which credential (reference 0, 1.1.3, 1.1.6,
// 2.1, 2.2), the agent's own headers checked so it cannot smuggle a payment or steer the connection,
// and the gateway's credential attached where the upstream reads it.
import { extractCredential } from "./credential";
import type { HttpHeadersLike } from "./http-detect";
import type { Credential, Offer } from "./types";
import { MPP_CREDENTIAL_KEY, X402_PAYMENT_KEY } from "./wire";

export const MPP_AUTHORIZATION = "Authorization";
export const MPP_PAYMENT_AUTHORIZATION = "Payment-Authorization";
export const X402_V1_PAYMENT = "X-PAYMENT";
export const X402_V2_PAYMENT = "PAYMENT-SIGNATURE";

/** The header a credential for `offer` goes in: the challenge's `header` param (mppx requiresAuth) or the default. */
export function credentialHeaderName(offer: Offer): string {
  if (offer.protocol === "x402") return offer.x402Version === 1 ? X402_V1_PAYMENT : X402_V2_PAYMENT;
  const header = (offer.raw as { header?: unknown } | null)?.header;
  return typeof header === "string" && header.toLowerCase() === "payment-authorization"
    ? MPP_PAYMENT_AUTHORIZATION
    : MPP_AUTHORIZATION;
}

export type HeaderList = Array<[string, string]>;

export type HeaderRefusal = {
  ok: false;
  reason: "credential_header" | "forbidden_header" | "malformed_header";
  /** The offending header name (clipped), never its value. */
  name: string;
  message: string;
};

/**
 * Connection-level fields the runtime owns, and fields that would let an agent pose as someone else
 * to the upstream. Cookie and a non-Payment Authorization are the agent's own access to the API: allowed.
 */
const FORBIDDEN = new Set([
  "host",
  "content-length",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "expect",
  "forwarded",
  "x-real-ip",
]);
const FORBIDDEN_PREFIXES = ["proxy-", "cf-", "x-forwarded-"];
/** Fields that carry (or answer) a payment in either protocol: only the gateway's payer writes these. */
const CREDENTIAL_FIELDS = new Set(["payment-authorization", "x-payment", "payment-signature"]);
const CREDENTIAL_PREFIXES = ["payment-", "x-payment-"];
/** A `Payment` auth scheme anywhere in an Authorization value (RFC 9110 lists may hold several). */
const PAYMENT_SCHEME = /(?:^|[\s,])payment(?:\s|$)/i;
const NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const MAX_HEADERS = 64;
const MAX_HEADER_BYTES = 16 * 1024;

/**
 * The agent's request headers, checked: names are tokens, values hold no CR/LF, no name repeats, and
 * nothing could carry a credential or steer the connection. The first problem refuses the whole set.
 */
export function checkAgentHeaders(
  headers: Readonly<Record<string, string>> | ReadonlyArray<readonly [string, string]>,
): { ok: true; headers: HeaderList } | HeaderRefusal {
  const list: HeaderList = (Array.isArray(headers) ? headers : Object.entries(headers)).map(([n, v]) => [
    n,
    v,
  ]);
  if (list.length > MAX_HEADERS) return refuse("malformed_header", "", `more than ${MAX_HEADERS} headers`);
  const seen = new Set<string>();
  let bytes = 0;
  for (const [name, value] of list) {
    const lower = name.toLowerCase();
    bytes += name.length + value.length;
    if (!NAME.test(name)) return refuse("malformed_header", name, "a header name is not an HTTP token");
    if (!VALUE.test(value))
      return refuse("malformed_header", name, "a header value holds control characters");
    if (seen.has(lower)) return refuse("malformed_header", name, "a header is given twice");
    seen.add(lower);
    const why = forbidden(lower, value);
    if (why !== null) return refuse(why.reason, name, why.message);
  }
  if (bytes > MAX_HEADER_BYTES) return refuse("malformed_header", "", "the headers exceed 16 KiB");
  return { ok: true, headers: list };
}

function forbidden(lower: string, value: string): Pick<HeaderRefusal, "reason" | "message"> | null {
  if (CREDENTIAL_FIELDS.has(lower) || CREDENTIAL_PREFIXES.some((p) => lower.startsWith(p)))
    return { reason: "credential_header", message: "payment headers are written by the gateway only" };
  if (lower === "authorization" && PAYMENT_SCHEME.test(value))
    return { reason: "credential_header", message: "an Authorization: Payment credential is the gateway's" };
  if (FORBIDDEN.has(lower) || FORBIDDEN_PREFIXES.some((p) => lower.startsWith(p)))
    return { reason: "forbidden_header", message: "this header belongs to the connection, not the agent" };
  return null;
}

function refuse(reason: HeaderRefusal["reason"], name: string, message: string): HeaderRefusal {
  return { ok: false, reason, name: name.slice(0, 64), message };
}

/** A credential placed in a header, as the wallet's payOffer returns it for transport "http". */
export type HeaderCredential = { where: "header"; name: string; value: string };

/**
 * `headers` (already checked) with the credential for `offer` set: any field of that name is replaced,
 * which drops an agent's own `Authorization` when the challenge wants the credential there (mppx's
 * requiresAuth servers ask for Payment-Authorization to avoid exactly that).
 */
export function withCredentialHeader(
  headers: ReadonlyArray<readonly [string, string]>,
  offer: Offer,
  credential: { where: string; name?: string; value?: unknown },
): { ok: true; headers: HeaderList } | HeaderRefusal {
  const expected = credentialHeaderName(offer);
  const { name, value } = credential;
  if (credential.where !== "header" || typeof name !== "string" || typeof value !== "string")
    return refuse("malformed_header", "", "the credential is not an HTTP header credential");
  if (name.toLowerCase() !== expected.toLowerCase())
    return refuse("credential_header", name, `this offer's credential goes in ${expected}`);
  if (value.length === 0 || !VALUE.test(value))
    return refuse("malformed_header", name, "the credential value is not a header value");
  const rest = headers.filter(([n]) => n.toLowerCase() !== expected.toLowerCase());
  return { ok: true, headers: [...rest.map(([n, v]): [string, string] => [n, v]), [expected, value]] };
}

/**
 * The payment credentials a request carries (as the upstream could read them), and the one parsed
 * when there is exactly one: the paid retry's credential checked with credentialMismatch like _meta's.
 */
export function readHttpCredential(headers: HttpHeadersLike): {
  count: number;
  credential: Credential | null;
} {
  const found: Array<[string, string]> = [];
  for (const name of [MPP_AUTHORIZATION, MPP_PAYMENT_AUTHORIZATION]) {
    const value = headers.get(name);
    if (value !== null && (name === MPP_PAYMENT_AUTHORIZATION || PAYMENT_SCHEME.test(value)))
      found.push([MPP_CREDENTIAL_KEY, paymentScheme(value)]);
  }
  for (const name of [X402_V1_PAYMENT, X402_V2_PAYMENT]) {
    const value = headers.get(name);
    if (value !== null) found.push([X402_PAYMENT_KEY, value]);
  }
  const only = found.length === 1 ? found[0] : undefined;
  const credential = only ? extractCredential({ params: { _meta: { [only[0]]: only[1] } } }) : null;
  return { count: found.length, credential };
}

/** The `Payment <b64url>` part of an Authorization value that may list other schemes. */
function paymentScheme(value: string): string {
  return (
    value
      .split(",")
      .map((s) => s.trim())
      .find((s) => /^payment\s+/i.test(s)) ?? value
  );
}
