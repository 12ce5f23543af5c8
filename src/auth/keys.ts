// API key format, generation and hashing. Keys are 192-bit random secrets with a visible type
// prefix (so secret scanners and humans can tell them apart); only their SHA-256 is stored.
import { hex } from "./encoding";

export type KeyScope = "admin" | "org" | "agent";

const SCOPE_PREFIX: Record<KeyScope, string> = { admin: "tg_adm_", org: "tg_org_", agent: "tg_agt_" };
const KEY_PATTERN = /^tg_(adm|org|agt)_[A-Za-z0-9]{32}$/;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export type GeneratedKey = { secret: string; prefix: string; hash: string };

export async function generateKey(scope: KeyScope): Promise<GeneratedKey> {
  // 32 chars from a 62-letter alphabet via rejection sampling: ~190 bits, no modulo bias.
  const chars: string[] = [];
  while (chars.length < 32) {
    for (const byte of crypto.getRandomValues(new Uint8Array(48))) {
      if (byte < 248 && chars.length < 32) chars.push(ALPHABET[byte % 62]!);
    }
  }
  const secret = SCOPE_PREFIX[scope] + chars.join("");
  return { secret, prefix: displayPrefix(secret), hash: await hashKey(secret) };
}

/** The non-secret part shown in lists: type prefix plus the first 4 random characters. */
export function displayPrefix(secret: string): string {
  return `${secret.slice(0, 11)}…`;
}

export function isWellFormedKey(secret: string): boolean {
  return KEY_PATTERN.test(secret);
}

export async function hashKey(secret: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret));
  return hex(new Uint8Array(digest));
}

/** Constant-time comparison of two equal-length strings (digests). */
export function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
