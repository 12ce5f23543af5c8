// WebhookDispatcher end to end in workerd: real D1 rows, real Durable Object, real HTTP to the
// hooks.example receiver, deliveries verified with the standardwebhooks library. Time is driven through
// deliverDue({ now }), never slept.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { emitEvents, redeliver, sendTestEvent, verifyWebhook } from "../../src/events";
import {
  approvedEvent,
  attemptsOf,
  deliveriesOf,
  dispatcher,
  endpoint,
  failNext,
  futureNow,
  received,
  seedEndpoint,
  testEvent,
  verifyWithLibrary,
} from "./helpers";

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

describe("delivery and signature", () => {
  it("POSTs the signed envelope; the receiver verifies it from the raw body it recorded", async () => {
    const ep = await seedEndpoint();
    const now = futureNow();
    const event = approvedEvent(ep.orgId, now);
    expect(await dispatcher(ep.orgId).enqueue({ orgId: ep.orgId, events: [event], now })).toEqual({
      deliveries: 1,
    });
    const report = await dispatcher(ep.orgId).deliverDue({ now });
    expect(report).toMatchObject({ attempted: 1, delivered: 1, retrying: 0, failed: 0, nextAlarmAt: null });

    const [req] = await received(ep.name);
    expect(req).toBeDefined();
    const nowSeconds = Math.floor(now / 1000);
    expect(req!.headers).toMatchObject({
      "webhook-id": event.id,
      "webhook-timestamp": String(nowSeconds),
      "tollgate-event-type": "transaction.approved",
      "content-type": "application/json",
    });
    expect(req!.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(req!.headers["tollgate-signature"]).toBeUndefined();

    // A receiver using the standardwebhooks library accepts it, and refuses it tampered or stale.
    expect(verifyWithLibrary(ep.secret, req!.body, req!.headers, now)).toEqual(event);
    expect(verifyWithLibrary(ep.secret, req!.body, req!.headers, now + 300_000)).toEqual(event);
    const tampered = req!.body.replace("500000", "500001");
    expect(() => verifyWithLibrary(ep.secret, tampered, req!.headers, now)).toThrow("No matching signature");
    expect(() => verifyWithLibrary(ep.secret, req!.body, req!.headers, now + 301_000)).toThrow(
      "Message timestamp too old",
    );

    expect((await verifyWebhook(ep.secret, req!.headers, req!.body, nowSeconds + 300)).ok).toBe(true);
    expect(await verifyWebhook(ep.secret, req!.headers, req!.body, nowSeconds + 301)).toEqual({
      ok: false,
      reason: "timestamp_outside_tolerance",
    });
    expect(JSON.parse(req!.body)).toEqual(event);

    const [delivery] = await deliveriesOf(ep.endpointId);
    expect(delivery).toMatchObject({ status: "delivered", attempts: 1, lastStatus: 200, deliveredAt: now });
    const attempts = await attemptsOf(delivery!.id);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ attempt: 1, status: 200, error: null });
  });

  it("enqueue is idempotent by event id and endpoint", async () => {
    const ep = await seedEndpoint();
    const now = futureNow();
    const event = testEvent(ep.orgId, now);
    const stub = dispatcher(ep.orgId);
    expect(await stub.enqueue({ orgId: ep.orgId, events: [event], now })).toEqual({ deliveries: 1 });
    expect(await stub.enqueue({ orgId: ep.orgId, events: [event, event], now })).toEqual({ deliveries: 0 });
    await stub.deliverDue({ now });
    expect(await received(ep.name)).toHaveLength(1);
    expect(await deliveriesOf(ep.endpointId)).toHaveLength(1);
  });

  it("refuses events of another org and a dispatcher bound to another org", async () => {
    const ep = await seedEndpoint();
    const now = futureNow();
    const stub = dispatcher(ep.orgId);
    // Awaited inside a plain async function: an RPC promise handed to `rejects` directly is reported by
    // workerd as an unhandled rejection.
    await expect(
      (async () => await stub.enqueue({ orgId: ep.orgId, events: [testEvent("org_other", now)], now }))(),
    ).rejects.toThrow(/invalid_input: events/);
    await stub.enqueue({ orgId: ep.orgId, events: [testEvent(ep.orgId, now)], now });
    await expect(
      (async () => await stub.enqueue({ orgId: "org_other", events: [testEvent("org_other", now)], now }))(),
    ).rejects.toThrow(/invalid_input: orgId/);
    await expect((async () => await stub.deliverDue({ now: -1 }))()).rejects.toThrow(/invalid_input: now/);
  });
});

describe("retries", () => {
  it("retries a failing receiver with growing backoff until it recovers on the third attempt", async () => {
    const ep = await seedEndpoint();
    await failNext(ep.name, 2);
    const t0 = futureNow();
    const stub = dispatcher(ep.orgId);
    await stub.enqueue({ orgId: ep.orgId, events: [testEvent(ep.orgId, t0)], now: t0 });

    const first = await stub.deliverDue({ now: t0 });
    expect(first).toMatchObject({ attempted: 1, retrying: 1, delivered: 0 });
    const [d1] = await deliveriesOf(ep.endpointId);
    const firstDelay = d1!.nextAttemptAt! - t0;
    expect(first.nextAlarmAt).toBe(d1!.nextAttemptAt);
    expect(firstDelay).toBeGreaterThanOrEqual(30_000);
    expect(firstDelay).toBeLessThanOrEqual(36_000);
    expect(d1).toMatchObject({ status: "pending", attempts: 1, lastStatus: 500, lastError: "HTTP 500" });

    // Not due yet: nothing is sent.
    expect(await stub.deliverDue({ now: d1!.nextAttemptAt! - 1 })).toMatchObject({ attempted: 0 });

    const t1 = d1!.nextAttemptAt!;
    expect(await stub.deliverDue({ now: t1 })).toMatchObject({ attempted: 1, retrying: 1 });
    const [d2] = await deliveriesOf(ep.endpointId);
    const secondDelay = d2!.nextAttemptAt! - t1;
    expect(secondDelay).toBeGreaterThan(firstDelay);
    expect(secondDelay).toBeGreaterThanOrEqual(60_000);

    const t2 = d2!.nextAttemptAt!;
    expect(await stub.deliverDue({ now: t2 })).toMatchObject({
      attempted: 1,
      delivered: 1,
      nextAlarmAt: null,
    });
    const [d3] = await deliveriesOf(ep.endpointId);
    expect(d3).toMatchObject({
      status: "delivered",
      attempts: 3,
      lastStatus: 200,
      lastError: null,
      deliveredAt: t2,
    });

    const attempts = await attemptsOf(d3!.id);
    expect(attempts.map((a) => [a.attempt, a.status, a.createdAt])).toEqual([
      [1, 500, t0],
      [2, 500, t1],
      [3, 200, t2],
    ]);
    expect(attempts[0]!.error).toBe("HTTP 500");
    expect(attempts.every((a) => a.durationMs >= 0)).toBe(true);

    // Every attempt is re-signed at its own time over the same bytes, under the same webhook-id.
    const log = await received(ep.name);
    expect(log.map((r) => r.answered)).toEqual([500, 500, 200]);
    expect(new Set(log.map((r) => r.body)).size).toBe(1);
    expect(new Set(log.map((r) => r.headers["webhook-id"]))).toEqual(new Set([JSON.parse(log[0]!.body).id]));
    expect(log.map((r) => r.headers["webhook-timestamp"])).toEqual(
      [t0, t1, t2].map((t) => String(Math.floor(t / 1000))),
    );
    [t0, t1, t2].forEach((t, i) => {
      expect(verifyWithLibrary(ep.secret, log[i]!.body, log[i]!.headers, t)).toBeDefined();
    });
    expect((await endpoint(ep.endpointId))!.failingSince).toBeNull();
  });

  it("gives up after the retry horizon (at least 24 h) and marks the delivery failed", async () => {
    const ep = await seedEndpoint();
    await failNext(ep.name, 1_000);
    const t0 = futureNow();
    const stub = dispatcher(ep.orgId);
    await stub.enqueue({ orgId: ep.orgId, events: [testEvent(ep.orgId, t0)], now: t0 });
    let now = t0;
    for (let i = 0; i < 60; i++) {
      const report = await stub.deliverDue({ now });
      if (report.failed > 0) break;
      now = report.nextAlarmAt!;
    }
    const [delivery] = await deliveriesOf(ep.endpointId);
    expect(delivery).toMatchObject({ status: "failed", nextAttemptAt: null, lastStatus: 500 });
    const attempts = await attemptsOf(delivery!.id);
    expect(attempts.length).toBe(delivery!.attempts);
    expect(attempts.length).toBeGreaterThan(20);
    const last = attempts.at(-1)!.createdAt;
    expect(last - t0).toBeGreaterThanOrEqual(24 * HOUR);
    expect(last - t0).toBeLessThanOrEqual(26 * HOUR);
    // Gaps never exceed the 1 h cap plus jitter.
    for (let i = 1; i < attempts.length; i++) {
      expect(attempts[i]!.createdAt - attempts[i - 1]!.createdAt).toBeLessThanOrEqual(HOUR * 1.2);
    }
    // One day of failure does not disable the endpoint.
    expect(await endpoint(ep.endpointId)).toMatchObject({ status: "active", failingSince: t0 });
  });

  it("disables an endpoint that has failed continuously for 3 days, closing its queue", async () => {
    const ep = await seedEndpoint();
    await failNext(ep.name, 10_000);
    const t0 = futureNow();
    const stub = dispatcher(ep.orgId);
    // Day 0: a first event fails for its whole horizon.
    await stub.enqueue({ orgId: ep.orgId, events: [testEvent(ep.orgId, t0, "day 0")], now: t0 });
    let now = t0;
    for (let i = 0; i < 60 && now !== null; i++) now = (await stub.deliverDue({ now })).nextAlarmAt!;
    expect(await endpoint(ep.endpointId)).toMatchObject({ status: "active", failingSince: t0 });

    // Day 2: another event, still failing.
    const day2 = t0 + 2 * DAY;
    await stub.enqueue({ orgId: ep.orgId, events: [testEvent(ep.orgId, day2, "day 2")], now: day2 });
    expect(await stub.deliverDue({ now: day2 })).toMatchObject({
      attempted: 1,
      retrying: 1,
      disabledEndpoints: [],
    });

    // Day 3: a third event fails at t0 + 3 days: the endpoint is disabled and its queue closed.
    const day3 = t0 + 3 * DAY;
    await stub.enqueue({ orgId: ep.orgId, events: [testEvent(ep.orgId, day3, "day 3")], now: day3 });
    const report = await stub.deliverDue({ now: day3 });
    expect(report.disabledEndpoints).toEqual([ep.endpointId]);
    const row = await endpoint(ep.endpointId);
    expect(row).toMatchObject({ status: "disabled" });
    expect(row!.disabledReason).toMatch(/failed since .* \(3 days\); last error: HTTP 500/);
    expect(row!.disabledReason).not.toContain(ep.secret);
    const deliveries = await deliveriesOf(ep.endpointId);
    expect(deliveries.every((d) => d.status === "failed")).toBe(true);
    expect(report.nextAlarmAt).toBeNull();

    // Disabled endpoints get no new deliveries.
    expect(
      await stub.enqueue({
        orgId: ep.orgId,
        events: [testEvent(ep.orgId, day3 + MINUTE)],
        now: day3 + MINUTE,
      }),
    ).toEqual({ deliveries: 0 });
  });

  it("a success in between resets the failure clock", async () => {
    const ep = await seedEndpoint({ failingSince: futureNow() - 2 * DAY });
    const now = futureNow();
    await dispatcher(ep.orgId).enqueue({ orgId: ep.orgId, events: [testEvent(ep.orgId, now)], now });
    await dispatcher(ep.orgId).deliverDue({ now });
    expect(await endpoint(ep.endpointId)).toMatchObject({ status: "active", failingSince: null });
  });
});

describe("filters and URL protection", () => {
  it("sends only the event types an endpoint subscribed to (empty = all)", async () => {
    const orgId = `org_filter_${crypto.randomUUID().slice(0, 8)}`;
    const onlyApproved = await seedEndpoint({ orgId, events: ["transaction.approved"] });
    const onlyBudget = await seedEndpoint({
      orgId,
      events: ["mandate.budget.warning", "mandate.budget.exhausted"],
    });
    const all = await seedEndpoint({ orgId });
    const now = futureNow();
    const events = [approvedEvent(orgId, now), testEvent(orgId, now)];
    expect(await dispatcher(orgId).enqueue({ orgId, events, now })).toEqual({ deliveries: 3 });
    await dispatcher(orgId).deliverDue({ now });
    const types = async (name: string) =>
      (await received(name)).map((r) => r.headers["tollgate-event-type"]).sort();
    expect(await types(onlyApproved.name)).toEqual(["transaction.approved"]);
    expect(await types(onlyBudget.name)).toEqual([]);
    expect(await types(all.name)).toEqual(["transaction.approved", "webhook.test"]);
  });

  it("refuses a private-network or plain-http URL at delivery time, without retrying", async () => {
    const orgId = `org_ssrf_${crypto.randomUUID().slice(0, 8)}`;
    const urls = [
      "https://10.0.0.7/hook",
      "https://127.0.0.1/hook",
      "https://metadata.internal/x",
      "http://hooks.example/x",
    ];
    const endpoints = [];
    for (const url of urls) endpoints.push(await seedEndpoint({ orgId, url }));
    const now = futureNow();
    const report = await dispatcher(orgId).deliverDue({ now }); // nothing bound yet: a no-op
    expect(report.attempted).toBe(0);
    await dispatcher(orgId).enqueue({ orgId, events: [testEvent(orgId, now)], now });
    expect(await dispatcher(orgId).deliverDue({ now })).toMatchObject({
      attempted: 4,
      failed: 4,
      delivered: 0,
    });
    for (const ep of endpoints) {
      const [delivery] = await deliveriesOf(ep.endpointId);
      expect(delivery).toMatchObject({ status: "failed", attempts: 1, lastStatus: null });
      expect(delivery!.lastError).toMatch(/^url refused: /);
      const attempts = await attemptsOf(delivery!.id);
      expect(attempts).toHaveLength(1);
      expect(attempts[0]).toMatchObject({ status: null, durationMs: 0 });
    }
    expect(await received("x")).toEqual([]);
  });

  it("fails at once, unsent, a delivery whose stored secret is not whsec_<base64 key>", async () => {
    const secret = "whsec_not/a+valid-key";
    const ep = await seedEndpoint({ secret });
    const now = futureNow();
    await dispatcher(ep.orgId).enqueue({ orgId: ep.orgId, events: [testEvent(ep.orgId, now)], now });
    expect(await dispatcher(ep.orgId).deliverDue({ now })).toMatchObject({ attempted: 1, failed: 1 });
    const [delivery] = await deliveriesOf(ep.endpointId);
    expect(delivery).toMatchObject({ status: "failed", attempts: 1, lastStatus: null, nextAttemptAt: null });
    expect(delivery!.lastError).toMatch(/^not signed: secret must be whsec_/);
    expect(delivery!.lastError).not.toContain(secret);
    expect(await received(ep.name)).toEqual([]);
  });
});

describe("redeliver, test events and the facade", () => {
  it("redeliver puts a delivered event back in the queue; other orgs' ids are not found", async () => {
    const ep = await seedEndpoint();
    const now = futureNow();
    const stub = dispatcher(ep.orgId);
    await stub.enqueue({ orgId: ep.orgId, events: [testEvent(ep.orgId, now)], now });
    await stub.deliverDue({ now });
    const [delivery] = await deliveriesOf(ep.endpointId);
    const later = now + HOUR;
    expect(await stub.redeliver({ orgId: ep.orgId, deliveryId: delivery!.id, now: later })).toEqual({
      ok: true,
      deliveryId: delivery!.id,
      nextAttemptAt: later,
    });
    expect(await stub.deliverDue({ now: later })).toMatchObject({ delivered: 1 });
    const log = await received(ep.name);
    expect(log).toHaveLength(2);
    expect(log[0]!.headers["webhook-id"]).toBe(JSON.parse(log[0]!.body).id);
    expect(log[1]!.headers["webhook-id"]).toBe(log[0]!.headers["webhook-id"]);
    expect(verifyWithLibrary(ep.secret, log[1]!.body, log[1]!.headers, later)).toBeDefined();
    expect((await attemptsOf(delivery!.id)).map((a) => a.attempt)).toEqual([1, 2]);

    const other = await seedEndpoint();
    expect(await redeliver(env, other.orgId, delivery!.id)).toEqual({ ok: false, reason: "not_found" });
  });

  it("sendTestEvent queues a signed webhook.test to one endpoint, whatever its filter", async () => {
    const ep = await seedEndpoint({ events: ["transaction.committed"] });
    const sent = await sendTestEvent(env, ep.orgId, ep.endpointId);
    expect(sent).toMatchObject({ ok: true });
    // The real alarm may already have delivered it; a run now waits for any run in flight, then sends what is due.
    await dispatcher(ep.orgId).deliverDue({ now: Date.now() });
    const [req] = await received(ep.name);
    expect(req!.headers["tollgate-event-type"]).toBe("webhook.test");
    expect(JSON.parse(req!.body)).toMatchObject({
      id: sent.ok ? sent.eventId : "",
      type: "webhook.test",
      orgId: ep.orgId,
      data: { endpointId: ep.endpointId },
    });
    const t = Number(req!.headers["webhook-timestamp"]) * 1000;
    expect(verifyWithLibrary(ep.secret, req!.body, req!.headers, t)).toMatchObject({ type: "webhook.test" });
    expect(await sendTestEvent(env, ep.orgId, "whk_missing")).toEqual({ ok: false, reason: "not_found" });
    const other = await seedEndpoint();
    expect(await sendTestEvent(env, other.orgId, ep.endpointId)).toEqual({ ok: false, reason: "not_found" });
  });

  it("emitEvents assigns ids and timestamps, drops invalid events, and never throws", async () => {
    const ep = await seedEndpoint();
    const now = futureNow();
    await emitEvents(
      env,
      ep.orgId,
      [
        {
          type: "mandate.budget.warning",
          data: {
            mandateId: "mdt_1",
            agentId: "agt_1",
            scopeKey: "agent:agt_1:day",
            label: "Daily budget",
            window: "day",
            windowStart: new Date(now).toISOString(),
            windowEnd: new Date(now + DAY).toISOString(),
            kind: "money",
            currency: "PATHUSD",
            decimals: 6,
            limit: "10000000",
            used: "8000000",
            thresholdPercent: 80,
          },
        },
        // Invalid: a float amount. Dropped, the valid one still goes out.
        {
          type: "transaction.committed",
          data: { amount: { amount: "1.5", currency: "USD", decimals: 2 } },
        } as never,
      ],
      now,
    );
    await dispatcher(ep.orgId).deliverDue({ now });
    const log = await received(ep.name);
    expect(log).toHaveLength(1);
    const body = JSON.parse(log[0]!.body);
    expect(body).toMatchObject({
      type: "mandate.budget.warning",
      orgId: ep.orgId,
      createdAt: new Date(now).toISOString(),
    });
    expect(body.id).toMatch(/^evt_[0-9a-f]{24}$/);

    // A broken binding is logged and swallowed.
    const broken = { ...env, WEBHOOKS: undefined } as unknown as Env;
    await expect(
      emitEvents(broken, ep.orgId, [{ type: "webhook.test", data: { endpointId: "x", message: "y" } }]),
    ).resolves.toBeUndefined();
  });

  it("the alarm delivers on its own with the real clock", async () => {
    const ep = await seedEndpoint();
    await emitEvents(env, ep.orgId, [
      { type: "webhook.test", data: { endpointId: ep.endpointId, message: "alarm" } },
    ]);
    // Either the alarm already ran, or it is pending: run it now, then wait for any run in flight.
    const { runDurableObjectAlarm } = await import("cloudflare:test");
    await runDurableObjectAlarm(dispatcher(ep.orgId));
    await dispatcher(ep.orgId).deliverDue({ now: Date.now() });
    expect(await received(ep.name)).toHaveLength(1);
    const [delivery] = await deliveriesOf(ep.endpointId);
    expect(delivery!.status).toBe("delivered");
  });
});
