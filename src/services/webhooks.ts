// Webhook endpoints of an org: the signing secret is generated here and shown once.
import { and, desc, eq } from "drizzle-orm";
import { db, newId } from "../db/client";
import { webhookDeliveries, webhookEndpoints } from "../db/schema";
import { AppError } from "../errors";
import { forgetSubscriptions, newWebhookSecret, redeliver, sendTestEvent } from "../events";
import { requireOwned } from "./owned";
import type { CreateWebhookBody, DeliveryView, WebhookView } from "./schemas/upstreams";
import { checkedUrl } from "./upstreams";
import { notFound } from "./validate";

type EndpointRow = typeof webhookEndpoints.$inferSelect;

export function webhookView(row: EndpointRow): WebhookView {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    status: row.status,
    failingSince: row.failingSince,
    disabledReason: row.disabledReason,
    createdAt: row.createdAt,
  };
}

async function requireWebhook(env: Env, orgId: string, id: string): Promise<EndpointRow> {
  return requireOwned(env, webhookEndpoints, orgId, id, "Webhook");
}

export async function createWebhook(env: Env, orgId: string, input: CreateWebhookBody, now: number) {
  const url = checkedUrl(env, input.url);
  const id = newId("whk");
  const secret = newWebhookSecret();
  await db(env)
    .insert(webhookEndpoints)
    .values({ id, orgId, url, secret, events: input.events, createdAt: now })
    .run();
  forgetSubscriptions(orgId);
  return { ...webhookView(await requireWebhook(env, orgId, id)), secret };
}

export async function listWebhooks(env: Env, orgId: string): Promise<WebhookView[]> {
  const rows = await db(env)
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.orgId, orgId))
    .orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id))
    .all();
  return rows.map(webhookView);
}

export async function deleteWebhook(env: Env, orgId: string, id: string) {
  await requireWebhook(env, orgId, id);
  await db(env)
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.id, id)))
    .run();
  forgetSubscriptions(orgId);
  return { id, deleted: true as const };
}

export async function listDeliveries(
  env: Env,
  orgId: string,
  id: string,
  limit = 100,
): Promise<DeliveryView[]> {
  await requireWebhook(env, orgId, id);
  const rows = await db(env)
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.orgId, orgId), eq(webhookDeliveries.endpointId, id)))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(limit)
    .all();
  return rows.map(({ payload: _payload, orgId: _org, ...rest }) => rest);
}

/** Sends a signed webhook.test event to one endpoint now. */
export async function testWebhook(env: Env, orgId: string, id: string) {
  const r = await sendTestEvent(env, orgId, id);
  if (!r.ok) {
    if (r.reason === "not_found") throw notFound("Webhook");
    throw new AppError("CONFLICT", "The webhook endpoint is disabled; enable it first");
  }
  return { eventId: r.eventId, deliveryId: r.deliveryId };
}

/** Queues one delivery again, due now (same event id, so receivers can dedupe). */
export async function redeliverWebhook(env: Env, orgId: string, deliveryId: string) {
  const r = await redeliver(env, orgId, deliveryId);
  if (!r.ok) throw notFound("Delivery");
  return { deliveryId: r.deliveryId, nextAttemptAt: r.nextAttemptAt };
}

/** Re-enables an endpoint that was disabled after failing for days. */
export async function enableWebhook(env: Env, orgId: string, id: string) {
  const row = await db(env)
    .update(webhookEndpoints)
    .set({ status: "active", failingSince: null, disabledReason: null })
    .where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.id, id)))
    .returning()
    .get();
  if (!row) throw notFound("Webhook");
  forgetSubscriptions(orgId);
  return webhookView(row);
}
