// Public face of webhooks for the rest of the gateway: emit events (never throws), resend, test, and
// the signing helpers receivers and the admin API use.
import { newId } from "../db/client";
import type { AlertsConfig } from "./alert-config";
import { subscriptions, wants } from "./subscriptions";
import {
  type Event,
  EventInput,
  type ObservePaymentInput,
  type RedeliverResult,
  type SendTestResult,
} from "./types";

export {
  AlertsConfig,
  alertsEnabled,
  MinSpend,
  NewPayeeAlert,
  VelocityAlert,
} from "./alert-config";

export { budgetThresholdCrossings, type ThresholdCrossing, type ThresholdInput } from "./budget-thresholds";
export { newWebhookSecret, WEBHOOK_SECRET_PATTERN } from "./secret";
export {
  DEFAULT_TOLERANCE_SECONDS,
  EVENT_TYPE_HEADER,
  ID_HEADER,
  SIGNATURE_HEADER,
  type SignatureCheck,
  type SignedHeaders,
  signWebhook,
  TIMESTAMP_HEADER,
  verifyWebhook,
  webhookSecretKey,
} from "./sign";
export { forgetSubscriptions } from "./subscriptions";
export {
  EVENT_TYPES,
  type Event,
  type EventInput,
  type EventOf,
  type EventType,
  EventTypeSchema,
  type Money,
  type RedeliverResult,
  type SendTestResult,
} from "./types";
export { payeeKey } from "./watch";

function dispatcher(env: Env, orgId: string) {
  return env.WEBHOOKS.getByName(orgId);
}

/**
 * Queues events for every matching endpoint of the org. Assigns ids (unless given) and timestamps.
 * Never throws: an event must never break a payment decision, so faults are logged and dropped.
 * Call it off the request path, e.g. `ctx.waitUntil(emitEvents(env, orgId, [...]))`.
 */
export async function emitEvents(
  env: Env,
  orgId: string,
  events: EventInput[],
  now = Date.now(),
): Promise<void> {
  try {
    if (events.length === 0) return;
    const subs = await subscriptions(env, orgId);
    const wanted = events.filter((e) => wants(subs, e.type));
    if (wanted.length === 0) return;
    const createdAt = new Date(now).toISOString();
    const full: Event[] = [];
    for (const input of wanted) {
      const parsed = EventInput.safeParse(input);
      if (!parsed.success) {
        console.warn("webhook event dropped: invalid data", {
          type: input.type,
          issue: parsed.error.issues[0]?.message,
        });
        continue;
      }
      const { id, ...rest } = parsed.data;
      full.push({ ...rest, id: id ?? newId("evt"), createdAt, orgId } as Event);
    }
    if (full.length === 0) return;
    const stub = dispatcher(env, orgId);
    for (let i = 0; i < full.length; i += 100) await stub.enqueue({ orgId, events: full.slice(i, i + 100) });
  } catch (err) {
    console.warn("webhook events dropped: dispatcher unavailable", {
      orgId,
      count: events.length,
      error: err instanceof Error ? err.message : String(err),
    });
  }
}

/**
 * Hands one committed payment to the org's anomaly watch (spend.velocity, payee.new). Never throws:
 * an alert must never break or slow a payment, so call it after the answer (waitUntil).
 */
export async function observePayment(
  env: Env,
  orgId: string,
  payment: ObservePaymentInput["payment"],
  alerts: AlertsConfig,
  now = Date.now(),
): Promise<void> {
  try {
    await dispatcher(env, orgId).observePayment({ orgId, payment, alerts, now });
  } catch (err) {
    console.warn("anomaly watch skipped a payment: dispatcher unavailable", {
      orgId,
      transactionId: payment.transactionId,
      error: err instanceof Error ? err.message : String(err),
    });
  }
}

/** Resends one delivery of the org now. Cross-org ids answer not_found. */
export function redeliver(env: Env, orgId: string, deliveryId: string): Promise<RedeliverResult> {
  return dispatcher(env, orgId).redeliver({ orgId, deliveryId });
}

/** Sends a signed `webhook.test` event to one endpoint of the org. */
export function sendTestEvent(env: Env, orgId: string, endpointId: string): Promise<SendTestResult> {
  return dispatcher(env, orgId).sendTest({ orgId, endpointId });
}
