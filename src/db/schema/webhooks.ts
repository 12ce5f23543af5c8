import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, id, json } from "./columns";

/** Operator endpoints that receive signed event notifications. */
export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: id(),
    orgId: text("org_id").notNull(),
    url: text("url").notNull(),
    secret: text("secret").notNull(),
    /** Event types to send; empty means all. */
    events: json<string[]>("events").notNull().default([]),
    status: text("status", { enum: ["active", "disabled"] })
      .notNull()
      .default("active"),
    failingSince: integer("failing_since"),
    disabledReason: text("disabled_reason"),
    createdAt: createdAt(),
  },
  (t) => [index("webhook_endpoints_org").on(t.orgId)],
);

/** One row per (event, endpoint); attempts are counted here and logged in webhook_attempts. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: id(),
    orgId: text("org_id").notNull(),
    endpointId: text("endpoint_id").notNull(),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    payload: text("payload").notNull(),
    status: text("status", { enum: ["pending", "delivered", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at"),
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
    createdAt: createdAt(),
    deliveredAt: integer("delivered_at"),
  },
  (t) => [
    index("webhook_deliveries_org_time").on(t.orgId, t.createdAt),
    index("webhook_deliveries_due").on(t.status, t.nextAttemptAt),
  ],
);

export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    id: id(),
    deliveryId: text("delivery_id").notNull(),
    attempt: integer("attempt").notNull(),
    status: integer("status"),
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("webhook_attempts_delivery").on(t.deliveryId)],
);
