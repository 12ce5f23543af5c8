// Webhook signatures, Standard Webhooks v1 (standardwebhooks.com): headers `webhook-id`, `webhook-timestamp`
// and `webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<t>.<body>")>`, the key being the base64 after
// "whsec_". Pure WebCrypto, no clock: callers pass the timestamp. Space-separated signatures allow rotation.

export const ID_HEADER = "webhook-id";
export const TIMESTAMP_HEADER = "webhook-timestamp";
export const SIGNATURE_HEADER = "webhook-signature";
/** Not signed and not part of the standard: a routing hint. The signed body's `type` is authoritative. */
export const EVENT_TYPE_HEADER = "Tollgate-Event-Type";
export const DEFAULT_TOLERANCE_SECONDS = 300;
/** The spec's bounds for a symmetric key: at least 24 bytes, at most 64. */
export const MIN_KEY_BYTES = 24;
export const MAX_KEY_BYTES = 64;

const PREFIX = "whsec_";
/** Canonical padded base64 of the standard alphabet (what every Standard Webhooks library decodes). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const encoder = new TextEncoder();

export type SignedHeaders = { [ID_HEADER]: string; [TIMESTAMP_HEADER]: string; [SIGNATURE_HEADER]: string };

/** The HMAC key of a `whsec_<base64>` secret, or null when it is not one (or its key is out of bounds). */
export function webhookSecretKey(secret: string): Uint8Array | null {
  if (!secret.startsWith(PREFIX)) return null;
  const encoded = secret.slice(PREFIX.length);
  if (!BASE64.test(encoded)) return null;
  const key = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
  return key.length >= MIN_KEY_BYTES && key.length <= MAX_KEY_BYTES ? key : null;
}

async function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey | null> {
  const raw = webhookSecretKey(secret);
  if (!raw) return null;
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

function toBase64(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)));
}

function fromBase64(text: string): Uint8Array | null {
  if (text.length !== 44 || !BASE64.test(text)) return null;
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** The id has no dots (event ids are evt_[A-Za-z0-9_-]), so "<id>.<t>.<body>" splits one way only. */
function signedContent(id: string, t: number, body: string): Uint8Array {
  return encoder.encode(`${id}.${t}.${body}`);
}

/**
 * The three headers for `body` sent as message `id` at unix second `t`, one `v1,` signature per
 * secret. Throws RangeError on a bad timestamp, an id with a dot or whitespace, or a secret that is
 * not `whsec_` + base64 of a 24 to 64 byte key.
 */
export async function signWebhook(
  secret: string | readonly string[],
  id: string,
  body: string,
  t: number,
): Promise<SignedHeaders> {
  if (!Number.isSafeInteger(t) || t < 0)
    throw new RangeError("t must be a non-negative integer of unix seconds");
  if (!/^[^\s.]{1,255}$/.test(id)) throw new RangeError("id must be 1-255 characters without dots or spaces");
  const secrets = typeof secret === "string" ? [secret] : secret;
  if (secrets.length === 0) throw new RangeError("at least one secret is required");
  const content = signedContent(id, t, body);
  const signatures: string[] = [];
  for (const s of secrets) {
    const key = await hmacKey(s, "sign");
    if (!key) throw new RangeError("secret must be whsec_ + base64 of a 24 to 64 byte key");
    signatures.push(`v1,${toBase64(await crypto.subtle.sign("HMAC", key, content))}`);
  }
  return { [ID_HEADER]: id, [TIMESTAMP_HEADER]: String(t), [SIGNATURE_HEADER]: signatures.join(" ") };
}

export type SignatureCheck =
  | { ok: true; id: string; timestamp: number }
  | {
      ok: false;
      reason:
        | "invalid_secret"
        | "missing_headers"
        | "malformed_timestamp"
        | "timestamp_outside_tolerance"
        | "signature_mismatch";
    };

type HeaderSource = Headers | Readonly<Record<string, string | undefined>>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

/**
 * Verifies a delivery against the raw `body`, as the standardwebhooks library does but with the clock
 * passed in. The timestamp must be within `toleranceSeconds` of `nowSeconds` either way; tolerance 0
 * means "same second", never "skip the check". Signatures of other schemes (v1a, v2) are ignored.
 */
export async function verifyWebhook(
  secret: string,
  headers: HeaderSource,
  body: string,
  nowSeconds: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): Promise<SignatureCheck> {
  if (!Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) {
    throw new RangeError("toleranceSeconds must be a non-negative number");
  }
  const key = await hmacKey(secret, "verify");
  if (!key) return { ok: false, reason: "invalid_secret" };
  const id = header(headers, ID_HEADER);
  const timestamp = header(headers, TIMESTAMP_HEADER);
  const signature = header(headers, SIGNATURE_HEADER);
  if (!id || !timestamp || !signature) return { ok: false, reason: "missing_headers" };
  if (!/^\d{1,15}$/.test(timestamp)) return { ok: false, reason: "malformed_timestamp" };
  const t = Number(timestamp);
  if (Math.abs(nowSeconds - t) > toleranceSeconds)
    return { ok: false, reason: "timestamp_outside_tolerance" };
  const content = signedContent(id, t, body);
  for (const entry of signature.split(" ")) {
    const [version, mac] = entry.split(",", 2);
    const bytes = version === "v1" && mac ? fromBase64(mac) : null;
    // subtle.verify compares in constant time.
    if (bytes && (await crypto.subtle.verify("HMAC", key, bytes, content)))
      return { ok: true, id, timestamp: t };
  }
  return { ok: false, reason: "signature_mismatch" };
}
