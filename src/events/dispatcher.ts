// WebhookDispatcher: one Durable Object per org that owns delivery of that org's webhooks. Deliveries
// and attempts live in D1 (visible to the admin API); the object serializes delivery runs and keeps
// one alarm at the earliest due delivery.
import { DurableObject } from "cloudflare:workers";
import { type Db, db, newId } from "../db/client";
import { config } from "../env";
import { attemptOutcome } from "./backoff";
import { parseInput } from "./errors";
import { noteEndpointHealth } from "./health";
import { sendWebhook } from "./send";
import {
  activeEndpoints,
  type DeliveryRow,
  deliveryId,
  dueDeliveries,
  type EndpointRow,
  earliestDue,
  endpointOfOrg,
  endpointsByIds,
  failDelivery,
  insertDeliveries,
  type NewDelivery,
  recordAttempt,
  resetDelivery,
} from "./store";
import {
  DeliverDueInput,
  type DeliverReport,
  EnqueueInput,
  type EnqueueResult,
  type Event,
  EventInput,
  ObservePaymentInput,
  type ObserveResult,
  RedeliverInput,
  type RedeliverResult,
  SendTestInput,
  type SendTestResult,
} from "./types";
import { observe } from "./watch";
import { WatchStore } from "./watch-store";

/** Deliveries per run; a full batch re-arms the alarm at once for the rest. */
const BATCH = 50;
/** Workers allow 6 simultaneous outgoing connections per invocation. */
const CONCURRENCY = 6;
/** After a run failed outright (D1 unreachable), try again this much later instead of burning alarm retries. */
const RUN_RETRY_MS = 60_000;

export class WebhookDispatcher extends DurableObject<Env> {
  private chain: Promise<unknown> = Promise.resolve();
  /** Bumped after every insert of due work, so a run re-reads D1 before arming the alarm later. */
  private wakeSeq = 0;
  private watch: WatchStore | null = null;

  /** Creates one delivery per (event, matching active endpoint); idempotent by event id + endpoint. */
  async enqueue(input: EnqueueInput): Promise<EnqueueResult> {
    const { orgId, events, now = Date.now() } = parseInput(EnqueueInput, input);
    this.bindOrg(orgId);
    const foreign = events.find((e) => e.orgId !== orgId);
    if (foreign) throw new Error(`invalid_input: events: event ${foreign.id} belongs to another org`);
    const d = db(this.env);
    const endpoints = await activeEndpoints(d, orgId);
    const rows: NewDelivery[] = [];
    for (const event of events) {
      for (const endpoint of endpoints) {
        if (endpoint.events.length > 0 && !endpoint.events.includes(event.type)) continue;
        rows.push(await this.newDelivery(endpoint, event, now));
      }
    }
    const inserted = await insertDeliveries(d, rows);
    if (inserted > 0) await this.wakeAt(now);
    return { deliveries: inserted };
  }

  /**
   * The anomaly watch (watch.ts): one committed payment, with the org's alert settings. The state
   * changes in one transaction; the events it finds (rarely any) are queued like any other.
   */
  async observePayment(input: ObservePaymentInput): Promise<ObserveResult> {
    const { orgId, payment, alerts, now = Date.now() } = parseInput(ObservePaymentInput, input);
    this.bindOrg(orgId);
    this.watch ??= new WatchStore(this.ctx.storage.sql);
    const store = this.watch;
    const found = this.ctx.storage.transactionSync(() => observe(store, payment, alerts, now));
    const createdAt = new Date(now).toISOString();
    const events = found.map(
      (e) => ({ ...EventInput.parse(e), id: newId("evt"), createdAt, orgId }) as Event,
    );
    if (events.length > 0) await this.enqueue({ orgId, events, now });
    return { events: events.length };
  }

  /** Sends every delivery due at `now`, records the attempts, and re-arms. The alarm calls it with the clock. */
  async deliverDue(input: DeliverDueInput): Promise<DeliverReport> {
    const { now } = parseInput(DeliverDueInput, input);
    const run = this.chain.then(() => this.run(now));
    this.chain = run.catch(() => {});
    return run;
  }

  override async alarm(): Promise<void> {
    try {
      await this.deliverDue({ now: Date.now() });
    } catch (err) {
      console.warn("webhook delivery run failed; retrying later", err instanceof Error ? err.message : err);
      await this.ctx.storage.setAlarm(Date.now() + RUN_RETRY_MS);
    }
  }

  /** Puts one delivery back in the queue, due now (a manual resend from the dashboard or API). */
  async redeliver(input: RedeliverInput): Promise<RedeliverResult> {
    const { orgId, deliveryId: id, now = Date.now() } = parseInput(RedeliverInput, input);
    this.bindOrg(orgId);
    if (!(await resetDelivery(db(this.env), orgId, id, now))) return { ok: false, reason: "not_found" };
    await this.wakeAt(now);
    return { ok: true, deliveryId: id, nextAttemptAt: now };
  }

  /** Queues a signed `webhook.test` event to one endpoint, whatever its event filter. */
  async sendTest(input: SendTestInput): Promise<SendTestResult> {
    const { orgId, endpointId, now = Date.now() } = parseInput(SendTestInput, input);
    this.bindOrg(orgId);
    const d = db(this.env);
    const endpoint = await endpointOfOrg(d, orgId, endpointId);
    if (!endpoint) return { ok: false, reason: "not_found" };
    if (endpoint.status !== "active") return { ok: false, reason: "endpoint_disabled" };
    const event: Event = {
      id: newId("evt"),
      type: "webhook.test",
      createdAt: new Date(now).toISOString(),
      orgId,
      data: { endpointId, message: "This is a test event from Tollgate." },
    };
    const row = await this.newDelivery(endpoint, event, now);
    await insertDeliveries(d, [row]);
    await this.wakeAt(now);
    return { ok: true, eventId: event.id, deliveryId: row.id };
  }

  private async run(now: number): Promise<DeliverReport> {
    const report: DeliverReport = {
      attempted: 0,
      delivered: 0,
      retrying: 0,
      failed: 0,
      disabledEndpoints: [],
      nextAlarmAt: null,
    };
    const orgId = this.ctx.storage.kv.get<string>("orgId");
    if (!orgId) return report;
    const d = db(this.env);
    const due = await dueDeliveries(d, orgId, now, BATCH);
    const endpoints = new Map(
      (await endpointsByIds(d, [...new Set(due.map((r) => r.endpointId))])).map((e) => [e.id, e]),
    );
    const allowPrivate = config(this.env).ALLOW_PRIVATE_UPSTREAMS;
    await forEachLimited(due, CONCURRENCY, (delivery) =>
      this.attempt(d, delivery, endpoints.get(delivery.endpointId), now, allowPrivate, report),
    );
    report.nextAlarmAt = await this.rearm(d, orgId);
    return report;
  }

  private async attempt(
    d: Db,
    delivery: DeliveryRow,
    endpoint: EndpointRow | undefined,
    now: number,
    allowPrivate: boolean,
    report: DeliverReport,
  ): Promise<void> {
    if (!endpoint || endpoint.orgId !== delivery.orgId || endpoint.status !== "active") {
      await failDelivery(d, delivery.id, endpoint ? "endpoint disabled" : "endpoint deleted");
      report.failed++;
      return;
    }
    const out = await sendWebhook({
      url: endpoint.url,
      secret: endpoint.secret,
      eventId: delivery.eventId,
      eventType: delivery.eventType,
      payload: delivery.payload,
      now,
      allowPrivate,
    });
    report.attempted++;
    const outcome = attemptOutcome({
      ok: out.ok,
      refused: out.refused,
      attemptsSoFar: delivery.attempts,
      createdAt: delivery.createdAt,
      now,
      random: Math.random(),
    });
    await recordAttempt(d, {
      delivery,
      now,
      status: out.status,
      error: out.error,
      durationMs: out.durationMs,
      outcome,
    });
    if (outcome.state === "delivered") report.delivered++;
    else if (outcome.state === "pending") report.retrying++;
    else report.failed++;
    if (await noteEndpointHealth(d, endpoint, out, now)) report.disabledEndpoints.push(endpoint.id);
  }

  /** Arms the alarm at the earliest pending delivery (or clears it), unless new work raced the read. */
  private async rearm(d: Db, orgId: string): Promise<number | null> {
    for (;;) {
      const seq = this.wakeSeq;
      const at = await earliestDue(d, orgId);
      if (seq !== this.wakeSeq) continue;
      if (at === null) await this.ctx.storage.deleteAlarm();
      else await this.ctx.storage.setAlarm(at);
      return at;
    }
  }

  /** Moves the alarm earlier if `at` precedes it; never later (a run decides that). */
  private async wakeAt(at: number): Promise<void> {
    this.wakeSeq++;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || at < current) await this.ctx.storage.setAlarm(at);
  }

  private bindOrg(orgId: string): void {
    const bound = this.ctx.storage.kv.get<string>("orgId");
    if (bound === undefined) this.ctx.storage.kv.put("orgId", orgId);
    else if (bound !== orgId) throw new Error("invalid_input: orgId: this dispatcher belongs to another org");
  }

  private async newDelivery(endpoint: EndpointRow, event: Event, now: number): Promise<NewDelivery> {
    return {
      id: await deliveryId(endpoint.id, event.id),
      orgId: event.orgId,
      endpointId: endpoint.id,
      eventId: event.id,
      eventType: event.type,
      payload: JSON.stringify(event),
      status: "pending",
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
    };
  }
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
