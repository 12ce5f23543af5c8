// D1 queries of the webhook dispatcher: endpoints, deliveries and attempts of one org.
// The dispatcher Durable Object of an org is the only writer of that org's delivery rows.
import { and, asc, eq, inArray, isNotNull, isNull, lte, min, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { newId } from "../db/client";
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from "../db/schema";

export type EndpointRow = typeof webhookEndpoints.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type NewDelivery = typeof webhookDeliveries.$inferInsert;

/** Deterministic per (endpoint, event): inserting the same pair twice is a no-op (idempotent enqueue). */
export async function deliveryId(endpointId: string, eventId: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${endpointId}\n${eventId}`));
  let hex = "";
  for (const b of new Uint8Array(digest).slice(0, 12)) hex += b.toString(16).padStart(2, "0");
  return `whd_${hex}`;
}

export function activeEndpoints(d: Db, orgId: string): Promise<EndpointRow[]> {
  return d
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.status, "active")))
    .all();
}

export function endpointOfOrg(d: Db, orgId: string, id: string): Promise<EndpointRow | undefined> {
  return d
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.id, id)))
    .get();
}

export function endpointsByIds(d: Db, ids: string[]): Promise<EndpointRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return d.select().from(webhookEndpoints).where(inArray(webhookEndpoints.id, ids)).all();
}

/** Inserts rows, skipping (endpoint, event) pairs already present. Returns how many were new. */
export async function insertDeliveries(d: Db, rows: NewDelivery[]): Promise<number> {
  let inserted = 0;
  // D1 binds at most 100 parameters per statement; one row per statement, many per batch.
  for (let i = 0; i < rows.length; i += 50) {
    const chunk = rows
      .slice(i, i + 50)
      .map((r) => d.insert(webhookDeliveries).values(r).onConflictDoNothing());
    const [first, ...rest] = chunk;
    if (!first) continue;
    const results = await d.batch([first, ...rest]);
    for (const r of results) inserted += r.meta.changes;
  }
  return inserted;
}

export function dueDeliveries(d: Db, orgId: string, now: number, limit: number): Promise<DeliveryRow[]> {
  return d
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.status, "pending"),
        lte(webhookDeliveries.nextAttemptAt, now),
        eq(webhookDeliveries.orgId, orgId),
      ),
    )
    .orderBy(asc(webhookDeliveries.nextAttemptAt), asc(webhookDeliveries.id))
    .limit(limit)
    .all();
}

export async function earliestDue(d: Db, orgId: string): Promise<number | null> {
  const row = await d
    .select({ at: min(webhookDeliveries.nextAttemptAt) })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.status, "pending"), eq(webhookDeliveries.orgId, orgId)))
    .get();
  return row?.at ?? null;
}

export type AttemptRecord = {
  delivery: DeliveryRow;
  now: number;
  status: number | null;
  error: string | null;
  durationMs: number;
  outcome: { state: "delivered" } | { state: "pending"; nextAttemptAt: number } | { state: "failed" };
};

/** The attempt row and the delivery's new state, atomically. */
export async function recordAttempt(d: Db, r: AttemptRecord): Promise<void> {
  const attempt = r.delivery.attempts + 1;
  await d.batch([
    d.insert(webhookAttempts).values({
      id: newId("wha"),
      deliveryId: r.delivery.id,
      attempt,
      status: r.status,
      error: r.error,
      durationMs: r.durationMs,
      createdAt: r.now,
    }),
    d
      .update(webhookDeliveries)
      .set({
        attempts: attempt,
        status: r.outcome.state,
        lastStatus: r.status,
        lastError: r.error,
        nextAttemptAt: r.outcome.state === "pending" ? r.outcome.nextAttemptAt : null,
        deliveredAt: r.outcome.state === "delivered" ? r.now : null,
      })
      .where(eq(webhookDeliveries.id, r.delivery.id)),
  ]);
}

/** Closes a delivery without an attempt (its endpoint is gone or disabled). */
export async function failDelivery(d: Db, id: string, reason: string): Promise<void> {
  await d
    .update(webhookDeliveries)
    .set({ status: "failed", lastError: reason, nextAttemptAt: null })
    .where(eq(webhookDeliveries.id, id))
    .run();
}

export async function markEndpointHealthy(d: Db, id: string): Promise<void> {
  await d
    .update(webhookEndpoints)
    .set({ failingSince: null })
    .where(and(eq(webhookEndpoints.id, id), isNotNull(webhookEndpoints.failingSince)))
    .run();
}

export async function markEndpointFailing(d: Db, id: string, now: number): Promise<void> {
  await d
    .update(webhookEndpoints)
    .set({ failingSince: now })
    .where(and(eq(webhookEndpoints.id, id), isNull(webhookEndpoints.failingSince)))
    .run();
}

/**
 * Disables the endpoint if it is still active and has failed since `failingBefore` or earlier, and
 * closes its pending deliveries. Returns true when this call disabled it (a conditional update, so
 * concurrent failures disable it once).
 */
export async function disableIfFailingSince(
  d: Db,
  id: string,
  failingBefore: number,
  reason: string,
): Promise<boolean> {
  const [updated, _closed] = await d.batch([
    d
      .update(webhookEndpoints)
      .set({ status: "disabled", disabledReason: reason })
      .where(
        and(
          eq(webhookEndpoints.id, id),
          eq(webhookEndpoints.status, "active"),
          lte(webhookEndpoints.failingSince, failingBefore),
        ),
      )
      .returning({ id: webhookEndpoints.id }),
    d
      .update(webhookDeliveries)
      .set({ status: "failed", lastError: "endpoint disabled", nextAttemptAt: null })
      .where(
        and(
          eq(webhookDeliveries.endpointId, id),
          eq(webhookDeliveries.status, "pending"),
          sql`EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.id = ${id} AND e.status = 'disabled')`,
        ),
      ),
  ]);
  return updated.length > 0;
}

/** Puts a delivery of this org back in the queue, due at `now`. */
export async function resetDelivery(d: Db, orgId: string, id: string, now: number): Promise<boolean> {
  const rows = await d
    .update(webhookDeliveries)
    .set({ status: "pending", nextAttemptAt: now, deliveredAt: null })
    .where(and(eq(webhookDeliveries.orgId, orgId), eq(webhookDeliveries.id, id)))
    .returning({ id: webhookDeliveries.id });
  return rows.length > 0;
}
