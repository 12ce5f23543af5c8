// AES-256-GCM envelope encryption of wallet secrets under the keyring's KEK (WebCrypto, no library).
// Envelope: `v1.<kid>.<iv b64url>.<ciphertext+tag b64url>`; the AAD binds org, wallet and payment method,
// so a ciphertext copied into another row (or another org) does not open.
import { base64url, fromBase64url, utf8 } from "../auth/encoding";
import { type Keyring, KidSchema } from "./keyring";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The row a secret belongs to; every field goes into the AAD. */
export type SecretBinding = { orgId: string; walletId: string; methodId: string };

export type OpenFailureCode = "malformed_envelope" | "unknown_kid" | "decrypt_failed";
export type OpenResult =
  | { ok: true; plaintext: string }
  | { ok: false; code: OpenFailureCode; message: string };
export type RotateResult =
  | { ok: true; envelope: string; rotated: boolean }
  | { ok: false; code: OpenFailureCode; message: string };

/** Seals `plaintext` (the JSON of a method secret) under the keyring's current key. */
export async function encryptSecret(
  keyring: Keyring,
  binding: SecretBinding,
  plaintext: string,
): Promise<string> {
  const kid = keyring.current;
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const key = await importKek(keyring, kid);
  if (key === null) throw new Error(`keyring has no key for its current kid ${kid}`);
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: aad(kid, binding), tagLength: TAG_BYTES * 8 },
    key,
    utf8.encode(plaintext),
  );
  return [VERSION, kid, base64url(iv), base64url(new Uint8Array(sealed))].join(".");
}

/**
 * Opens an envelope with the key its kid names. Every failure is data with a stable code; a wrong
 * key, a tampered byte and a foreign row all answer decrypt_failed (GCM cannot tell them apart).
 */
export async function decryptSecret(
  keyring: Keyring,
  binding: SecretBinding,
  envelope: string,
): Promise<OpenResult> {
  const parts = parseEnvelope(envelope);
  if (parts === null) return fail("malformed_envelope", "not a v1 wallet secret envelope");
  const key = await importKek(keyring, parts.kid);
  if (key === null) return fail("unknown_kid", `no key-encryption key with kid ${parts.kid}`);
  try {
    const opened = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: parts.iv, additionalData: aad(parts.kid, binding), tagLength: TAG_BYTES * 8 },
      key,
      parts.ciphertext,
    );
    return { ok: true, plaintext: utf8.decode(new Uint8Array(opened)) };
  } catch {
    return fail("decrypt_failed", "the envelope does not open for this wallet method with that key");
  }
}

/** Rotation: re-seals under the current kid; an envelope already under it is returned as is. */
export async function reencrypt(
  keyring: Keyring,
  binding: SecretBinding,
  envelope: string,
): Promise<RotateResult> {
  if (parseEnvelope(envelope)?.kid === keyring.current) {
    const check = await decryptSecret(keyring, binding, envelope);
    return check.ok ? { ok: true, envelope, rotated: false } : check;
  }
  const opened = await decryptSecret(keyring, binding, envelope);
  if (!opened.ok) return opened;
  return { ok: true, envelope: await encryptSecret(keyring, binding, opened.plaintext), rotated: true };
}

/** The kid an envelope was sealed under (to find rows still on an old key); null when malformed. */
export function envelopeKid(envelope: string): string | null {
  return parseEnvelope(envelope)?.kid ?? null;
}

type EnvelopeParts = { kid: string; iv: Uint8Array<ArrayBuffer>; ciphertext: Uint8Array<ArrayBuffer> };

function parseEnvelope(envelope: string): EnvelopeParts | null {
  const parts = envelope.split(".");
  if (parts.length !== 4) return null;
  const [version, kid, iv, ciphertext] = parts as [string, string, string, string];
  if (version !== VERSION || !KidSchema.safeParse(kid).success) return null;
  const ivBytes = B64URL.test(iv) ? fromBase64url(iv) : null;
  const ctBytes = B64URL.test(ciphertext) ? fromBase64url(ciphertext) : null;
  if (ivBytes?.length !== IV_BYTES || ctBytes === null || ctBytes.length < TAG_BYTES) return null;
  return { kid, iv: ivBytes, ciphertext: ctBytes };
}

const B64URL = /^[A-Za-z0-9_-]+$/;

/** JSON of a fixed tuple: unambiguous whatever the ids contain, and it authenticates the header too. */
function aad(kid: string, binding: SecretBinding): Uint8Array<ArrayBuffer> {
  return utf8.encode(
    JSON.stringify([
      "tollgate.wallet-secret",
      VERSION,
      kid,
      binding.orgId,
      binding.walletId,
      binding.methodId,
    ]),
  );
}

async function importKek(keyring: Keyring, kid: string): Promise<CryptoKey | null> {
  const raw = keyring.keys.get(kid);
  if (raw === undefined) return null;
  return crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
}

function fail(code: OpenFailureCode, message: string): { ok: false; code: OpenFailureCode; message: string } {
  return { ok: false, code, message };
}
