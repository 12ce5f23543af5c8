// Who is calling the admin API: the deployment admin (ADMIN_TOKEN, any org) or an org admin key
// (its own org only). MCP keys are refused with 403; anything unknown with 401.
import { hashKey, timingSafeEqual } from "../auth/keys";
import { db } from "../db/client";
import { findKeyByHash, touchKey } from "../db/queries/tenant";
import { config } from "../env";
import { AppError } from "../errors";
import { liveKey, touchDue } from "./key-auth";

export type Principal = { kind: "deployment" } | { kind: "org"; orgId: string; keyId: string };

export function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return m?.[1] ?? null;
}

/** Resolves a bearer token to a principal, or throws UNAUTHORIZED / FORBIDDEN. */
export async function authenticate(env: Env, token: string | null, now: number): Promise<Principal> {
  if (!token) throw new AppError("UNAUTHORIZED", "Missing bearer token");
  const hash = await hashKey(token);
  const adminToken = config(env).ADMIN_TOKEN;
  // Compare digests, not raw strings: equal length, so the comparison time says nothing about the token.
  if (adminToken && timingSafeEqual(hash, await hashKey(adminToken))) return { kind: "deployment" };
  const key = await liveKey(token, (h) => findKeyByHash(db(env), h));
  if (!key) throw new AppError("UNAUTHORIZED", "Invalid or revoked API key");
  if (key.scope !== "admin") throw new AppError("FORBIDDEN", "MCP keys cannot use the admin API");
  if (touchDue(key, now)) {
    // Awaited (the admin API is not a hot path), at most once a minute per key.
    await touchKey(db(env), key.id, now);
  }
  return { kind: "org", orgId: key.orgId, keyId: key.id };
}

/**
 * The org a request acts on. Org keys may only reach their own org: any other id answers 404 as if
 * it did not exist. `requested` null means the "/org" shorthand.
 */
export function orgScope(principal: Principal, requested: string | null): string {
  if (principal.kind === "org") {
    if (requested !== null && requested !== principal.orgId) throw new AppError("NOT_FOUND", "Org not found");
    return principal.orgId;
  }
  if (requested === null) {
    throw new AppError("NOT_FOUND", "The deployment token has no org of its own: use /orgs/:orgId");
  }
  return requested;
}
