// Event catalogue: zod schemas for every webhook event's envelope and data (the wire contract), and the
// Durable Object RPC inputs. Money travels as base-unit digit strings with currency and decimals.
import { z } from "zod";
import { AlertsConfig } from "./alert-config";

const BaseUnits = z.string().regex(/^(0|[1-9][0-9]{0,77})$/, "must be a string of base-unit digits");
const Id = z.string().min(1).max(255);
const EpochMs = z.number().int().nonnegative().max(8_640_000_000_000_000);

/** The `webhook-id` receivers dedupe on; no dots, so the signed "<id>.<t>.<body>" framing splits one way. */
export const EventId = z.string().regex(/^evt_[A-Za-z0-9_-]{1,120}$/, "must look like evt_<id>");

export const Money = z.strictObject({
  amount: BaseUnits,
  currency: z.string().min(1).max(64),
  decimals: z.number().int().min(0).max(36),
});
export type Money = z.infer<typeof Money>;

const Call = {
  transactionId: Id,
  agentId: Id.nullable(),
  sessionId: Id.nullable().default(null),
  upstreamId: Id.nullable(),
  tool: z.string().max(500).nullable(),
  vendor: z.string().max(500).nullable().default(null),
};

const TransactionApproved = z.strictObject({
  ...Call,
  /** The price the decision was made on (null for free calls). */
  amount: Money.nullable(),
  reservationId: Id.nullable().default(null),
  shadow: z.boolean().default(false),
});

const TransactionRejected = z.strictObject({
  ...Call,
  amount: Money.nullable(),
  reasonCode: z.string().min(1).max(100),
  reason: z.string().max(2000),
  rules: z.array(z.string().max(200)).max(100).default([]),
});

const TransactionCommitted = z.strictObject({
  ...Call,
  /** What was actually charged against the budget. */
  amount: Money,
  reservationId: Id.nullable().default(null),
  receiptRef: z.string().max(500).nullable().default(null),
  /** Money may have moved without a receipt (upstream 5xx or timeout after the credential was sent). */
  unconfirmed: z.boolean().default(false),
  /** The org wallet Tollgate paid with (tollgate-pays); null when the agent paid. */
  walletId: Id.nullable().default(null),
});

const ApprovalRequested = z.strictObject({
  approvalId: Id,
  transactionId: Id.nullable(),
  agentId: Id,
  tool: z.string().max(500),
  vendor: z.string().max(500).nullable().default(null),
  amount: Money.nullable(),
  rule: z.string().max(200),
  reason: z.string().max(2000),
  expiresAt: z.iso.datetime(),
});

const ApprovalResolved = z.strictObject({
  approvalId: Id,
  transactionId: Id.nullable(),
  agentId: Id,
  resolution: z.enum(["approved", "rejected", "expired"]),
  note: z.string().max(2000).nullable().default(null),
});

const BudgetScope = {
  mandateId: Id.nullable(),
  agentId: Id.nullable(),
  /** The ledger's scope key and label, e.g. "agent:agt_1:day" / "Daily budget of agent main". */
  scopeKey: z.string().min(1).max(200),
  label: z.string().max(200),
  window: z.enum(["minute", "hour", "day", "week", "month", "total", "session"]),
  windowStart: z.iso.datetime().nullable(),
  windowEnd: z.iso.datetime().nullable(),
  /** money scopes carry a currency and decimals; count scopes count calls (currency null, decimals 0). */
  kind: z.enum(["money", "count"]),
  currency: z.string().min(1).max(64).nullable(),
  decimals: z.number().int().min(0).max(36),
  limit: BaseUnits,
  /** committed + reserved after the change that crossed the threshold. */
  used: BaseUnits,
};

const BudgetWarning = z.strictObject({ ...BudgetScope, thresholdPercent: z.number().int().min(1).max(100) });
const BudgetExhausted = z.strictObject(BudgetScope);

/** A payment the anomaly alerts looked at: the committed tx and who it paid. */
const Paid = {
  transactionId: Id,
  agentId: Id.nullable(),
  sessionId: Id.nullable().default(null),
  upstreamId: Id.nullable().default(null),
  tool: z.string().max(500).nullable().default(null),
  /** The recipient the payment's offer named (address or vendor), as recorded on the tx (see watch.ts payeeKey). */
  payee: z.string().max(4096).nullable(),
  amount: Money,
  unconfirmed: z.boolean().default(false),
};

const SpendVelocity = z.strictObject({
  ...Paid,
  /** "org": every agent of the org together; "agent": the paying agent alone. */
  scope: z.enum(["org", "agent"]),
  currency: z.string().min(1).max(64),
  decimals: z.number().int().min(0).max(36),
  windowMinutes: z.number().int().min(1),
  windowStart: z.iso.datetime(),
  /** Committed spend of the window, this payment included (base units). */
  windowSpend: BaseUnits,
  windowPayments: z.number().int().nonnegative(),
  baselineHours: z.number().int().min(1),
  /** How much of the baseline was observed (less than baselineHours while the watch is young). */
  baselineMinutes: z.number().int().nonnegative(),
  baselineSpend: BaseUnits,
  /** The baseline scaled to one window (rounded down): what a usual window holds. */
  usualWindowSpend: BaseUnits,
  multiplePercent: z.number().int().min(101),
});

const PayeeNew = z.strictObject({
  ...Paid,
  payee: z.string().min(1).max(500),
  /** "org": no agent of the org paid this payee before; "agent": this agent had not (perAgent). */
  scope: z.enum(["org", "agent"]),
});

const WebhookTest = z.strictObject({ endpointId: Id, message: z.string().max(500) });

export const EVENT_DATA = {
  "transaction.approved": TransactionApproved,
  "transaction.rejected": TransactionRejected,
  "transaction.committed": TransactionCommitted,
  "approval.requested": ApprovalRequested,
  "approval.resolved": ApprovalResolved,
  "mandate.budget.warning": BudgetWarning,
  "mandate.budget.exhausted": BudgetExhausted,
  "spend.velocity": SpendVelocity,
  "payee.new": PayeeNew,
  "webhook.test": WebhookTest,
} as const;

export type EventType = keyof typeof EVENT_DATA;
export const EVENT_TYPES = Object.keys(EVENT_DATA) as EventType[];
export const EventTypeSchema = z.enum(EVENT_TYPES as [EventType, ...EventType[]]);

const inputOf = <T extends EventType>(type: T) =>
  z.strictObject({ type: z.literal(type), data: EVENT_DATA[type], id: EventId.optional() });

/** What emitters pass: type + data, optionally a deterministic id (makes re-emitting idempotent). */
export const EventInput = z.discriminatedUnion("type", [
  inputOf("transaction.approved"),
  inputOf("transaction.rejected"),
  inputOf("transaction.committed"),
  inputOf("approval.requested"),
  inputOf("approval.resolved"),
  inputOf("mandate.budget.warning"),
  inputOf("mandate.budget.exhausted"),
  inputOf("spend.velocity"),
  inputOf("payee.new"),
  inputOf("webhook.test"),
]);
export type EventInput = z.input<typeof EventInput>;

const eventOf = <T extends EventType>(type: T) =>
  z.strictObject({
    id: EventId,
    type: z.literal(type),
    createdAt: z.iso.datetime(),
    orgId: Id,
    data: EVENT_DATA[type],
  });

/** The envelope receivers get, exactly as signed. */
export const Event = z.discriminatedUnion("type", [
  eventOf("transaction.approved"),
  eventOf("transaction.rejected"),
  eventOf("transaction.committed"),
  eventOf("approval.requested"),
  eventOf("approval.resolved"),
  eventOf("mandate.budget.warning"),
  eventOf("mandate.budget.exhausted"),
  eventOf("spend.velocity"),
  eventOf("payee.new"),
  eventOf("webhook.test"),
]);
export type Event = z.infer<typeof Event>;
export type EventOf<T extends EventType> = Extract<Event, { type: T }>;

// Dispatcher RPC inputs. `now` (epoch ms) is optional and defaults to the clock; tests pass it.
export const EnqueueInput = z.strictObject({
  orgId: Id,
  events: z.array(Event).min(1).max(100),
  now: EpochMs.optional(),
});
export type EnqueueInput = z.input<typeof EnqueueInput>;

/** A committed payment for the org's anomaly alerts, with the org's alert settings (the object keeps none). */
export const ObservePaymentInput = z.strictObject({
  orgId: Id,
  payment: z.strictObject(Paid),
  alerts: AlertsConfig,
  now: EpochMs.optional(),
});
export type ObservePaymentInput = z.input<typeof ObservePaymentInput>;
export type ObservePayment = z.output<typeof ObservePaymentInput>;
export type ObserveResult = { events: number };

export const DeliverDueInput = z.strictObject({ now: EpochMs });
export type DeliverDueInput = z.infer<typeof DeliverDueInput>;

export const RedeliverInput = z.strictObject({ orgId: Id, deliveryId: Id, now: EpochMs.optional() });
export type RedeliverInput = z.input<typeof RedeliverInput>;

export const SendTestInput = z.strictObject({ orgId: Id, endpointId: Id, now: EpochMs.optional() });
export type SendTestInput = z.input<typeof SendTestInput>;

export type EnqueueResult = { deliveries: number };
export type DeliverReport = {
  attempted: number;
  delivered: number;
  retrying: number;
  failed: number;
  disabledEndpoints: string[];
  /** When the alarm is armed next (epoch ms), null when nothing is pending. */
  nextAlarmAt: number | null;
};
export type RedeliverResult =
  | { ok: true; deliveryId: string; nextAttemptAt: number }
  | { ok: false; reason: "not_found" };
export type SendTestResult =
  | { ok: true; eventId: string; deliveryId: string }
  | { ok: false; reason: "not_found" | "endpoint_disabled" };
