// Dashboard sessions: a stateless HMAC-signed cookie (org, key, expiry), the per-session CSRF token,
// and the revocation re-check of the org admin key the session was opened with.

import { base64url, fromBase64url, utf8 } from "../auth/encoding";
import { signer } from "../auth/signer";
import { config } from "../env";
import { AppError } from "../errors";
import { findKey } from "../services/keys";
import { TtlCache } from "../ttl-cache";

export type Session = { orgId: string; keyId: string; exp: number };

export const SESSION_COOKIE = "tg_session";
export const SESSION_TTL_MS = 12 * 3_600_000;
const KEY_CHECK_TTL_MS = 30_000;

function sessionSigner(env: Env) {
  const secret = config(env).SESSION_SECRET;
  if (!secret) throw new AppError("INTERNAL", "The dashboard needs SESSION_SECRET to be set");
  return signer(secret, "dashboard");
}

function mac(env: Env, text: string): Promise<string> {
  return sessionSigner(env).sign(text);
}

/** "<payload>.<signature>", both base64url; the payload is readable but cannot be forged. */
export async function signSession(env: Env, s: Session): Promise<string> {
  const payload = base64url(utf8.encode(JSON.stringify([s.orgId, s.keyId, s.exp])));
  return `${payload}.${await mac(env, `session|${payload}`)}`;
}

/** The session in a cookie value, or null when it is malformed, forged or expired. */
export async function verifySession(
  env: Env,
  value: string | undefined,
  now: number,
): Promise<Session | null> {
  if (!value || value.length > 1000) return null;
  const [payload, sig, extra] = value.split(".");
  if (!payload || !sig || extra !== undefined) return null;
  if (!(await sessionSigner(env).verify(`session|${payload}`, sig))) return null;
  const json = fromBase64url(payload);
  if (!json) return null;
  try {
    const [orgId, keyId, exp] = JSON.parse(utf8.decode(json)) as unknown[];
    if (typeof orgId !== "string" || typeof keyId !== "string" || typeof exp !== "number") return null;
    return exp > now ? { orgId, keyId, exp } : null;
  } catch {
    return null;
  }
}

/** Bound to one session cookie value: a token from another session (or none) is refused. */
export function csrfToken(env: Env, sessionCookie: string): Promise<string> {
  return mac(env, `csrf|${sessionCookie}`);
}

const keyChecks = new TtlCache<string, boolean>(KEY_CHECK_TTL_MS, 10_000);

/** True while the session's key is an unrevoked admin key of its org (cached briefly per isolate). */
export async function sessionKeyActive(env: Env, s: Session, now: number): Promise<boolean> {
  const cacheKey = `${s.orgId}|${s.keyId}`;
  const hit = keyChecks.get(cacheKey, now);
  if (hit !== undefined) return hit;
  const key = await findKey(env, s.orgId, s.keyId);
  const ok = key !== null && key.scope === "admin" && key.revokedAt === null;
  keyChecks.set(cacheKey, ok, now);
  return ok;
}

/** Called after a revoke from the dashboard, so the revoked key's sessions end at once in this isolate. */
export function forgetKeyCheck(orgId: string, keyId: string): void {
  keyChecks.delete(`${orgId}|${keyId}`);
}
