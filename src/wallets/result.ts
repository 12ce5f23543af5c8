// What paying an offer returns: a credential placed where the upstream reads it, or a failure code.
// Failures are data with stable codes; messages never carry key material or library error text.

/**
 * `params._meta`: put `value` under `key` in the retried tools/call (MCP, the normal case).
 * `header`: send `value` in HTTP header `name` (an HTTP 402 in front of the upstream).
 */
export type PaidCredential =
  | { where: "params._meta"; key: string; value: unknown }
  | { where: "header"; name: string; value: string };

export const PAY_FAILURE_CODES = [
  /** No method of this kind can answer this offer (protocol, scheme, chain or token domain). */
  "unsupported_offer",
  /** The offer's expiry (MPP `expires`) has passed at `now`, or it has none: clients must not pay it. */
  "offer_expired",
  /** The method secret does not parse (corrupt row or wrong kind). */
  "invalid_secret",
  /** The signer or the payment library refused (e.g. a key outside the curve's range). */
  "sign_failed",
  /** The built credential would not pass the gateway's own credentialMismatch: never sent. */
  "credential_mismatch",
] as const;
export type PayFailureCode = (typeof PAY_FAILURE_CODES)[number];

export type PayResult =
  | {
      ok: true;
      credential: PaidCredential;
      /** The paying address (EVM kinds); null for mpp-test. */
      payer: string | null;
    }
  | { ok: false; code: PayFailureCode; message: string };

export type Transport = "mcp" | "http";

export function payFailure(code: PayFailureCode, message: string): Extract<PayResult, { ok: false }> {
  return { ok: false, code, message };
}
