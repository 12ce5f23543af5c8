// Webhook test helpers: endpoints seeded straight into D1, the hooks.example receiver, and a clock far
// in the future so the dispatcher's real alarm never fires during a test (tests drive deliverDue), and
// verification with the standardwebhooks library receivers use.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { vi } from "vitest";
import { db, newId } from "../../src/db/client";
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from "../../src/db/schema";
import { forgetSubscriptions, newWebhookSecret } from "../../src/events";

export const HOOKS = "https://hooks.example";

/** A base time 30 days ahead: alarms armed at or after it stay asleep while the test runs. */
export function futureNow(): number {
  return Date.now() + 30 * 86_400_000;
}

export function uniqueName(label: string): string {
  return `${label}-${crypto.randomUUID().slice(0, 8)}`;
}

export type SeededEndpoint = { orgId: string; endpointId: string; secret: string; name: string };

export async function seedEndpoint(
  opts: {
    orgId?: string;
    name?: string;
    url?: string;
    events?: string[];
    failingSince?: number;
    secret?: string;
  } = {},
): Promise<SeededEndpoint> {
  const orgId = opts.orgId ?? newId("org");
  const name = opts.name ?? uniqueName("hook");
  const endpointId = newId("whk");
  const secret = opts.secret ?? newWebhookSecret();
  await db(env)
    .insert(webhookEndpoints)
    .values({
      id: endpointId,
      orgId,
      url: opts.url ?? `${HOOKS}/${name}`,
      secret,
      events: opts.events ?? [],
      failingSince: opts.failingSince ?? null,
    })
    .run();
  // Written past the service layer, so the gateway's cached subscriptions are told like an admin write would.
  forgetSubscriptions(orgId);
  return { orgId, endpointId, secret, name };
}

export type Received = { method: string; headers: Record<string, string>; body: string; answered: number };

export async function received(name: string): Promise<Received[]> {
  const res = await fetch(`${HOOKS}/log/${name}`);
  return (await res.json()) as Received[];
}

/**
 * Verifies a delivery with the standardwebhooks library itself, as a receiver whose clock reads `atMs`
 * (the library reads Date.now(); its tolerance is 300 s). Returns the parsed body or throws its error.
 */
export function verifyWithLibrary(
  secret: string,
  body: string,
  headers: Record<string, string>,
  atMs: number,
): unknown {
  vi.setSystemTime(atMs);
  try {
    return new Webhook(secret).verify(body, headers);
  } finally {
    vi.useRealTimers();
  }
}

export async function failNext(name: string, n: number): Promise<void> {
  const res = await fetch(`${HOOKS}/control/${name}`, {
    method: "POST",
    body: JSON.stringify({ failNext: n }),
  });
  await res.arrayBuffer();
}

export function dispatcher(orgId: string) {
  return env.WEBHOOKS.getByName(orgId);
}

export async function deliveriesOf(endpointId: string) {
  return db(env).select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId)).all();
}

export async function attemptsOf(deliveryId: string) {
  const rows = await db(env)
    .select()
    .from(webhookAttempts)
    .where(eq(webhookAttempts.deliveryId, deliveryId))
    .all();
  return rows.sort((a, b) => a.attempt - b.attempt);
}

export async function endpoint(endpointId: string) {
  return db(env).select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId)).get();
}

/** An envelope as emitEvents would build it. */
export function testEvent(orgId: string, now: number, message = "hello") {
  return {
    id: newId("evt"),
    type: "webhook.test" as const,
    createdAt: new Date(now).toISOString(),
    orgId,
    data: { endpointId: "whk_any", message },
  };
}

export function approvedEvent(orgId: string, now: number) {
  return {
    id: newId("evt"),
    type: "transaction.approved" as const,
    createdAt: new Date(now).toISOString(),
    orgId,
    data: {
      transactionId: newId("tx"),
      agentId: "agt_1",
      sessionId: null,
      upstreamId: "ups_1",
      tool: "paid__generate_image",
      vendor: null,
      amount: { amount: "500000", currency: "PATHUSD", decimals: 6 },
      reservationId: null,
      shadow: false,
    },
  };
}
