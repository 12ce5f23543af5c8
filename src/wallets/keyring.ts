// The key-encryption keyring wallet secrets are sealed under, parsed from one Worker secret (WALLET_KEK).
// Several keys so a KEK can be rotated: new envelopes use `current`, old ones still open with their own kid.
import { z } from "zod";
import { fromBase64url } from "../auth/encoding";

/** A kid is written into every envelope, between dots: keep it short and dot-free. */
export const KidSchema = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, "kid: 1-32 of A-Z a-z 0-9 _ -");

/** The kid a bare base64 KEK (no keyring syntax) is known by, so a later keyring can keep opening its envelopes. */
export const DEFAULT_KID = "default";

const KeyringJsonSchema = z.strictObject({
  current: KidSchema,
  keys: z.record(KidSchema, z.string()),
});

export type Keyring = { current: string; keys: ReadonlyMap<string, Uint8Array<ArrayBuffer>> };

export type KeyringResult =
  | { ok: true; keyring: Keyring }
  | { ok: false; code: "invalid_keyring"; message: string };

/**
 * Reads WALLET_KEK in one of three forms: JSON `{"current":"k2","keys":{"k1":"<b64>","k2":"<b64>"}}`,
 * `k2:<b64>,k1:<b64>` (the first entry is current), or a bare `<b64>` (kid "default"). Every key is
 * base64 or base64url of exactly 32 bytes (AES-256). Messages name kids, never key material.
 */
export function parseKeyring(text: string): KeyringResult {
  const trimmed = text.trim();
  if (trimmed === "") return fail("the keyring is empty");
  if (trimmed.startsWith("{")) return fromJson(trimmed);
  if (trimmed.includes(":")) return fromPairs(trimmed);
  return build(DEFAULT_KID, [[DEFAULT_KID, trimmed]]);
}

function fromJson(text: string): KeyringResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail("the keyring is not valid JSON");
  }
  const parsed = KeyringJsonSchema.safeParse(value);
  if (!parsed.success) return fail("the keyring JSON needs {current, keys: {kid: base64}} with valid kids");
  return build(parsed.data.current, Object.entries(parsed.data.keys));
}

function fromPairs(text: string): KeyringResult {
  const pairs: [string, string][] = [];
  for (const part of text.split(",")) {
    const at = part.indexOf(":");
    const kid = part.slice(0, at).trim();
    if (at < 0 || !KidSchema.safeParse(kid).success) return fail("each keyring entry must be kid:base64");
    pairs.push([kid, part.slice(at + 1).trim()]);
  }
  const first = pairs[0];
  return first === undefined ? fail("the keyring is empty") : build(first[0], pairs);
}

function build(current: string, entries: readonly [string, string][]): KeyringResult {
  const keys = new Map<string, Uint8Array<ArrayBuffer>>();
  for (const [kid, encoded] of entries) {
    if (keys.has(kid)) return fail(`kid ${kid} appears twice`);
    const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded) ? fromBase64url(encoded) : null;
    if (bytes === null || bytes.length !== 32) return fail(`key ${kid} is not base64 of 32 bytes`);
    keys.set(kid, bytes);
  }
  if (!keys.has(current)) return fail(`the current kid ${current} has no key`);
  return { ok: true, keyring: { current, keys } };
}

function fail(message: string): KeyringResult {
  return { ok: false, code: "invalid_keyring", message };
}
