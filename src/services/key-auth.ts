// The one check an API key passes, for the admin API and the gateway alike: well formed, known by
// its hash (compared in constant time), not revoked. Callers decide what a scope may reach.
import { hashKey, isWellFormedKey, timingSafeEqual } from "../auth/keys";
import type { KeyRow } from "../db/queries/tenant";

/** A key's last use is written at most this often. */
export const TOUCH_EVERY_MS = 60_000;

/** The live key row for `secret`, or null; `lookup` finds a row by hash (cached or not). */
export async function liveKey(
  secret: string,
  lookup: (hash: string) => Promise<KeyRow | null | undefined>,
): Promise<KeyRow | null> {
  if (!isWellFormedKey(secret)) return null;
  const hash = await hashKey(secret);
  const key = await lookup(hash);
  if (!key || key.revokedAt !== null || !timingSafeEqual(key.hash, hash)) return null;
  return key;
}

export function touchDue(key: KeyRow, now: number): boolean {
  return key.lastUsedAt === null || now - key.lastUsedAt > TOUCH_EVERY_MS;
}
