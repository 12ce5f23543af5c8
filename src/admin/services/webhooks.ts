// Webhook endpoints of an org: the signing secret is generated here and shown once.
import { and, desc, eq } from "drizzle-orm";
import { db, newId } from "../../db/client";
import { webhookDeliveries, webhookEndpoints } from "../../db/schema";
import type { CreateWebhookBody, DeliveryView, WebhookView } from "../schemas/upstreams";
import { notFound } from "../validate";
import { checkedUrl } from "./upstreams";

type EndpointRow = typeof webhookEndpoints.$inferSelect;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** "whsec_" + 32 base62 characters (rejection sampling: no modulo bias). */
export function newWebhookSecret(): string {
  const chars: string[] = [];
  while (chars.length < 32) {
    for (const byte of crypto.getRandomValues(new Uint8Array(48))) {
      if (byte < 248 && chars.length < 32) chars.push(ALPHABET[byte % 62]!);
    }
  }
  return `whsec_${chars.join("")}`;
}

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
  const row = await db(env)
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.id, id)))
    .get();
  if (!row) throw notFound("Webhook");
  return row;
}

export async function createWebhook(env: Env, orgId: string, input: CreateWebhookBody, now: number) {
  const url = checkedUrl(env, input.url);
  const id = newId("whk");
  const secret = newWebhookSecret();
  await db(env)
    .insert(webhookEndpoints)
    .values({ id, orgId, url, secret, events: input.events, createdAt: now })
    .run();
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
