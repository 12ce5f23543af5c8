// API keys of an org: create (secret returned once), list (never hash or secret), revoke.
import { and, eq } from "drizzle-orm";
import { generateKey } from "../auth/keys";
import { db, newId } from "../db/client";
import type { KeyRow } from "../db/queries/tenant";
import { apiKeys } from "../db/schema";
import { requireAgent } from "./agents";
import { requireOwned } from "./owned";
import { afterCursor, pageOf, pageOrder } from "./pages";
import type { CreatedKeyView, CreateKeyBody, KeyView } from "./schemas/orgs";
import { invalidateOrg } from "./tenant";

export function keyView(row: KeyRow): KeyView {
  return {
    id: row.id,
    prefix: row.prefix,
    scope: row.scope,
    agentId: row.agentId,
    name: row.name,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

export async function createKey(
  env: Env,
  orgId: string,
  input: Pick<CreateKeyBody, "scope" | "name"> & { agentId?: string | undefined },
  now: number,
): Promise<CreatedKeyView> {
  const agentId =
    input.scope === "agent" && input.agentId ? (await requireAgent(env, orgId, input.agentId)).id : null;
  const key = await generateKey(input.scope);
  const id = newId("key");
  await db(env)
    .insert(apiKeys)
    .values({
      id,
      orgId,
      agentId,
      scope: input.scope,
      name: input.name,
      prefix: key.prefix,
      hash: key.hash,
      createdAt: now,
    })
    .run();
  invalidateOrg(orgId);
  return { ...keyView(await requireKey(env, orgId, id)), secret: key.secret };
}

/** One page of the org's keys, newest first (index api_keys_org). */
export async function listKeys(
  env: Env,
  orgId: string,
  q: { cursor?: string | undefined; limit: number },
): Promise<{ data: KeyView[]; nextCursor: string | null }> {
  const rows = await db(env)
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.orgId, orgId), afterCursor(apiKeys, q.cursor, "desc")))
    .orderBy(...pageOrder(apiKeys, "desc"))
    .limit(q.limit + 1)
    .all();
  const page = pageOf(rows, q.limit);
  return { data: page.rows.map(keyView), nextCursor: page.nextCursor };
}

async function requireKey(env: Env, orgId: string, id: string): Promise<KeyRow> {
  return requireOwned(env, apiKeys, orgId, id, "Key");
}

/** One key of the org by id (primary key), or null. */
export async function findKey(env: Env, orgId: string, id: string): Promise<KeyView | null> {
  const row = await db(env)
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.orgId, orgId), eq(apiKeys.id, id)))
    .get();
  return row ? keyView(row) : null;
}

/** Idempotent: revoking a revoked key keeps its first revokedAt. */
export async function revokeKey(env: Env, orgId: string, id: string, now: number): Promise<KeyView> {
  const row = await requireKey(env, orgId, id);
  if (row.revokedAt === null) {
    await db(env).update(apiKeys).set({ revokedAt: now }).where(eq(apiKeys.id, id)).run();
    invalidateOrg(orgId);
  }
  return keyView(await requireKey(env, orgId, id));
}
