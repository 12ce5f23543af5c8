// Webhook signatures (Stripe scheme): `Tollgate-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
// Pure WebCrypto, no clock: callers pass the timestamp. Several v1 entries allow secret rotation.

export const SIGNATURE_HEADER = "Tollgate-Signature";
export const EVENT_ID_HEADER = "Tollgate-Event-Id";
export const EVENT_TYPE_HEADER = "Tollgate-Event-Type";
export const DEFAULT_TOLERANCE_SECONDS = 300;

const encoder = new TextEncoder();

async function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    usage,
  ]);
}

function toHex(bytes: ArrayBuffer): string {
  let s = "";
  for (const b of new Uint8Array(bytes)) s += b.toString(16).padStart(2, "0");
  return s;
}

function fromHex(hex: string): Uint8Array | null {
  if (!/^[0-9a-f]{64}$/i.test(hex)) return null;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** The header value for `body` sent at unix second `t`, one v1 per secret (the whole secret string is the key). */
export async function signPayload(
  secret: string | readonly string[],
  body: string,
  t: number,
): Promise<string> {
  if (!Number.isSafeInteger(t) || t < 0)
    throw new RangeError("t must be a non-negative integer of unix seconds");
  const secrets = typeof secret === "string" ? [secret] : secret;
  if (secrets.length === 0) throw new RangeError("at least one secret is required");
  const signed = encoder.encode(`${t}.${body}`);
  const parts = [`t=${t}`];
  for (const s of secrets) {
    parts.push(`v1=${toHex(await crypto.subtle.sign("HMAC", await hmacKey(s, "sign"), signed))}`);
  }
  return parts.join(",");
}

export type SignatureCheck =
  | { ok: true; timestamp: number }
  | {
      ok: false;
      reason: "malformed_header" | "no_v1_signature" | "timestamp_outside_tolerance" | "signature_mismatch";
    };

/** Parses `t=...,v1=...[,v1=...]`; unknown schemes (v0, v2...) are ignored, as Stripe does. */
export function parseSignatureHeader(header: string): { t: number; v1: string[] } | null {
  let t: number | null = null;
  const v1: string[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq <= 0) return null;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t") {
      if (t !== null || !/^\d{1,15}$/.test(value)) return null;
      t = Number(value);
    } else if (key === "v1") {
      v1.push(value);
    }
  }
  return t === null ? null : { t, v1 };
}

/**
 * Verifies `header` against the raw `body`. The timestamp must be within `toleranceSeconds` of
 * `nowSeconds` either way; tolerance 0 means "same second", never "skip the check".
 */
export async function verifySignature(
  secret: string,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): Promise<SignatureCheck> {
  if (!Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) {
    throw new RangeError("toleranceSeconds must be a non-negative number");
  }
  const parsed = parseSignatureHeader(header);
  if (!parsed) return { ok: false, reason: "malformed_header" };
  if (parsed.v1.length === 0) return { ok: false, reason: "no_v1_signature" };
  if (Math.abs(nowSeconds - parsed.t) > toleranceSeconds)
    return { ok: false, reason: "timestamp_outside_tolerance" };
  const key = await hmacKey(secret, "verify");
  const signed = encoder.encode(`${parsed.t}.${body}`);
  for (const candidate of parsed.v1) {
    const mac = fromHex(candidate);
    // subtle.verify compares in constant time.
    if (mac && (await crypto.subtle.verify("HMAC", key, mac, signed)))
      return { ok: true, timestamp: parsed.t };
  }
  return { ok: false, reason: "signature_mismatch" };
}
