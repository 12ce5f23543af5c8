// Anomaly-alert test helpers: turn an org's alerts on in D1 (as PATCH /org would store them), wait for
// the events the gateway queues after its answers, and read the dispatcher's watch tables.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { vi } from "vitest";
import { db } from "../../src/db/client";
import { orgs } from "../../src/db/schema";
import { AlertsConfig, type Event } from "../../src/events";
import { invalidateOrg } from "../../src/services/tenant";
import { deliveriesOf, dispatcher } from "../events/helpers";

export async function setAlerts(orgId: string, alerts: unknown): Promise<AlertsConfig> {
  const parsed = AlertsConfig.parse(alerts);
  const row = await db(env).select().from(orgs).where(eq(orgs.id, orgId)).get();
  const settings = { ...(row?.settings as Record<string, unknown>), alerts: parsed };
  await db(env).update(orgs).set({ settings }).where(eq(orgs.id, orgId)).run();
  invalidateOrg(orgId);
  return parsed;
}

/** The events queued for one endpoint, oldest first. */
export async function queued(endpointId: string): Promise<Event[]> {
  const rows = await deliveriesOf(endpointId);
  return rows
    .map((r) => JSON.parse(r.payload) as Event)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Waits until the endpoint holds `count` events of `type` (they are queued after the answer). */
export async function waitForEvents(endpointId: string, type: string, count: number): Promise<Event[]> {
  let got: Event[] = [];
  await vi.waitFor(
    async () => {
      got = (await queued(endpointId)).filter((e) => e.type === type);
      if (got.length < count) throw new Error(`${got.length} of ${count} ${type} events so far`);
    },
    { timeout: 10_000, interval: 50 },
  );
  return got;
}

/** Rows of the anomaly watch's tables in the org's dispatcher (0 when the tables were never made). */
export async function watchRows(orgId: string): Promise<{ buckets: number; payees: number }> {
  return runInDurableObject(dispatcher(orgId), async (_obj, state) => {
    const sql = state.storage.sql;
    const count = (table: string) => {
      const exists = sql
        .exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", table)
        .toArray();
      return exists.length === 0 ? 0 : sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n;
    };
    return { buckets: count("spend_buckets"), payees: count("known_payees") };
  });
}

export const addr = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;

/**
 * Waits until the watch has counted `n` payments for the org scope in coarse buckets starting after
 * `after` (the observations run after each answer).
 */
export async function waitForObserved(orgId: string, n: number, after: number): Promise<void> {
  await vi.waitFor(
    async () => {
      const seen = await runInDurableObject(dispatcher(orgId), async (_obj, state) => {
        const sql = state.storage.sql;
        return sql
          .exec<{ n: number | null }>(
            "SELECT SUM(payments) AS n FROM spend_buckets WHERE scope = 'org' AND kind = 'coarse' AND start > ?",
            after,
          )
          .one().n;
      });
      if ((seen ?? 0) < n) throw new Error(`${seen ?? 0} of ${n} payments observed so far`);
    },
    { timeout: 10_000, interval: 50 },
  );
}
