// Which event types an org's active endpoints want, cached per isolate, so a gateway decision of an
// org with no matching endpoint costs no dispatcher round trip (and no D1 read) per event. Admin
// writes forget the org at once; another isolate sees a new endpoint within SUBSCRIPTIONS_TTL_MS,
// the same lag as the rest of the tenant configuration (docs/decisions/0023).
import { and, eq } from "drizzle-orm";
import { db } from "../db/client";
import { webhookEndpoints } from "../db/schema";
import { TtlCache } from "../ttl-cache";
import type { EventType } from "./types";

export const SUBSCRIPTIONS_TTL_MS = 30_000;

/** "all": some endpoint takes every type; otherwise the union of the endpoints' filters (maybe empty). */
export type Subscriptions = "all" | ReadonlySet<string>;

const cache = new TtlCache<string, Subscriptions>(SUBSCRIPTIONS_TTL_MS, 10_000);

export function wants(subs: Subscriptions, type: EventType): boolean {
  return subs === "all" || subs.has(type);
}

/** The org's subscriptions; cache time is the wall clock, whatever `now` events carry. */
export async function subscriptions(env: Env, orgId: string): Promise<Subscriptions> {
  const now = Date.now();
  const hit = cache.get(orgId, now);
  if (hit !== undefined) return hit;
  const rows = await db(env)
    .select({ events: webhookEndpoints.events })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.status, "active")))
    .all();
  const subs: Subscriptions = rows.some((r) => r.events.length === 0)
    ? "all"
    : new Set(rows.flatMap((r) => r.events));
  cache.set(orgId, subs, now);
  return subs;
}

/** An endpoint of the org was created, deleted, enabled or changed. */
export function forgetSubscriptions(orgId: string): void {
  cache.delete(orgId);
}
