// The anomaly watch in the real WebhookDispatcher object: committed payments observed with time passed
// in, events queued as D1 deliveries to the endpoints that subscribed, state bounded.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AlertsConfig, type Event, observePayment } from "../../src/events";
import { MAX_KNOWN_PAYEES } from "../../src/events/watch-store";
import { deliveriesOf, dispatcher, futureNow, seedEndpoint } from "./helpers";

const MINUTE = 60_000;
const HOUR = 3_600_000;

const ON = AlertsConfig.parse({
  velocity: { enabled: true, windowMinutes: 10, baselineHours: 24, multiplePercent: 300, minPayments: 3 },
  newPayee: { enabled: true },
});

let seq = 0;
function payment(
  amount: string,
  opts: { agentId?: string; payee?: string | null; currency?: string; decimals?: number } = {},
) {
  return {
    transactionId: `tx_watch_${++seq}`,
    agentId: opts.agentId ?? "agt_1",
    payee: opts.payee === undefined ? "0xPAYEE0000000000000000000000000000000001" : opts.payee,
    amount: { amount, currency: opts.currency ?? "PATHUSD", decimals: opts.decimals ?? 6 },
  };
}

/** An hour-aligned base far ahead, so the dispatcher's real alarm stays asleep. */
function base(): number {
  const t = futureNow();
  return t - (t % HOUR);
}

async function events(endpointId: string): Promise<Event[]> {
  const rows = await deliveriesOf(endpointId);
  return rows
    .map((r) => JSON.parse(r.payload) as Event)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** One payment of `amount` every hour for `hours` hours before `t` (a steady baseline). */
async function steady(orgId: string, t: number, hours: number, amount: string, alerts = ON) {
  for (let h = hours; h >= 1; h--)
    await dispatcher(orgId).observePayment({ orgId, payment: payment(amount), alerts, now: t - h * HOUR });
}

describe("spend.velocity", () => {
  it("off by default: no state, no event, whatever the spend", async () => {
    const ep = await seedEndpoint();
    const t = base();
    const off = AlertsConfig.parse({});
    expect(off.velocity.enabled).toBe(false);
    expect(off.newPayee.enabled).toBe(false);
    for (let i = 0; i < 10; i++) {
      const r = await dispatcher(ep.orgId).observePayment({
        orgId: ep.orgId,
        payment: payment("9000000", { payee: `0x${String(i).padStart(40, "0")}` }),
        alerts: off,
        now: t + i,
      });
      expect(r).toEqual({ events: 0 });
    }
    expect(await deliveriesOf(ep.endpointId)).toHaveLength(0);
  });

  it("a burst over a steady baseline fires once; steady spend does not; it re-arms after the rate is normal", async () => {
    const ep = await seedEndpoint({ events: ["spend.velocity"] });
    const t = base() + 30 * HOUR;
    await steady(ep.orgId, t, 26, "1000000"); // 1.00 an hour: 24 h baseline of 24.00
    expect(await deliveriesOf(ep.endpointId)).toHaveLength(0);

    // Usual window (10 min): 24.00 / 144 = 0.1666..; 3x is 0.50. A burst of 4 x 0.20 = 0.80.
    for (let i = 0; i < 4; i++) {
      await dispatcher(ep.orgId).observePayment({
        orgId: ep.orgId,
        payment: payment("200000"),
        alerts: ON,
        now: t + i * MINUTE,
      });
    }
    let got = await events(ep.endpointId);
    expect(got.map((e) => e.type)).toEqual(["spend.velocity"]);
    expect(got[0]!.data).toMatchObject({
      scope: "org",
      agentId: "agt_1",
      // Pooled with every USD stablecoin, at 18 decimals.
      currency: "USD",
      decimals: 18,
      amount: { amount: "200000", currency: "PATHUSD", decimals: 6 },
      windowMinutes: 10,
      windowSpend: "600000000000000000",
      windowPayments: 3,
      baselineHours: 24,
      baselineMinutes: 24 * 60,
      baselineSpend: "24000000000000000000",
      usualWindowSpend: "166666666666666666",
      multiplePercent: 300,
    });
    expect(got[0]!.data).toHaveProperty("transactionId");

    // Steady again: an hour later a single payment is normal, which re-arms the watch...
    await dispatcher(ep.orgId).observePayment({
      orgId: ep.orgId,
      payment: payment("100000"),
      alerts: ON,
      now: t + HOUR,
    });
    expect(await events(ep.endpointId)).toHaveLength(1);
    // ... so the next burst is a new episode and fires again.
    for (let i = 0; i < 4; i++) {
      await dispatcher(ep.orgId).observePayment({
        orgId: ep.orgId,
        payment: payment("300000"),
        alerts: ON,
        now: t + HOUR + 20 * MINUTE + i * MINUTE,
      });
    }
    got = await events(ep.endpointId);
    expect(got.map((e) => e.type)).toEqual(["spend.velocity", "spend.velocity"]);
  });

  it("attack: a burst split across USD stablecoins (and their decimals) is one burst", async () => {
    const ep = await seedEndpoint({ events: ["spend.velocity"] });
    const t = base() + 30 * HOUR;
    await steady(ep.orgId, t, 26, "1000000");
    const legs = [
      payment("200000", { currency: "USDC" }),
      payment("200000000000000000", { currency: "DAI", decimals: 18 }),
      payment("20", { currency: "usd", decimals: 2 }),
    ];
    for (const [i, p] of legs.entries())
      await dispatcher(ep.orgId).observePayment({
        orgId: ep.orgId,
        payment: p,
        alerts: ON,
        now: t + i * MINUTE,
      });
    const got = await events(ep.endpointId);
    expect(got.map((e) => e.type)).toEqual(["spend.velocity"]);
    expect(got[0]!.data).toMatchObject({
      currency: "USD",
      windowSpend: "600000000000000000",
      windowPayments: 3,
    });
  });

  it("a watch younger than one baseline slice never fires (no usual rate yet)", async () => {
    const ep = await seedEndpoint({ events: ["spend.velocity"] });
    const t = base();
    for (let i = 0; i < 20; i++)
      await dispatcher(ep.orgId).observePayment({
        orgId: ep.orgId,
        payment: payment("5000000"),
        alerts: ON,
        now: t + i * MINUTE,
      });
    expect(await deliveriesOf(ep.endpointId)).toHaveLength(0);
  });

  it("minSpend per currency keeps a burst of cents quiet", async () => {
    const ep = await seedEndpoint({ events: ["spend.velocity"] });
    const alerts = AlertsConfig.parse({
      velocity: { enabled: true, minSpend: [{ currency: "pathusd", amount: "5.00" }] },
    });
    const t = base() + 30 * HOUR;
    await steady(ep.orgId, t, 26, "10000", alerts); // 0.01 an hour
    for (let i = 0; i < 10; i++)
      await dispatcher(ep.orgId).observePayment({
        orgId: ep.orgId,
        payment: payment("400000"), // 10 x 0.40 = 4.00 < 5.00
        alerts,
        now: t + i * 30_000,
      });
    expect(await deliveriesOf(ep.endpointId)).toHaveLength(0);
    await dispatcher(ep.orgId).observePayment({
      orgId: ep.orgId,
      payment: payment("1000000"),
      alerts,
      now: t + 6 * MINUTE,
    });
    expect((await events(ep.endpointId)).map((e) => e.type)).toEqual(["spend.velocity"]);
  });

  it("attack: one large payment instead of a burst of small ones still fires when a minSpend is set", async () => {
    const ep = await seedEndpoint({ events: ["spend.velocity"] });
    const alerts = AlertsConfig.parse({
      velocity: { enabled: true, minSpend: [{ currency: "USD", amount: "20.00" }] },
    });
    const t = base() + 30 * HOUR;
    await steady(ep.orgId, t, 26, "1000000", alerts); // 1.00 an hour
    await dispatcher(ep.orgId).observePayment({
      orgId: ep.orgId,
      payment: payment("500000000"),
      alerts,
      now: t,
    });
    const got = await events(ep.endpointId);
    expect(got.map((e) => e.type)).toEqual(["spend.velocity"]);
    expect(got[0]!.data).toMatchObject({ windowPayments: 1, windowSpend: "500000000000000000000" });
  });
});

describe("payee.new", () => {
  it("fires on the first payment to an address, not on the second (any letter case)", async () => {
    const ep = await seedEndpoint({ events: ["payee.new"] });
    const t = base();
    const orgId = ep.orgId;
    const addr = "0xAbCdEf0000000000000000000000000000000001";
    await dispatcher(orgId).observePayment({
      orgId,
      payment: payment("1000", { payee: addr }),
      alerts: ON,
      now: t,
    });
    await dispatcher(orgId).observePayment({
      orgId,
      payment: payment("1000", { payee: addr.toLowerCase() }),
      alerts: ON,
      now: t + 1,
    });
    await dispatcher(orgId).observePayment({
      orgId,
      payment: payment("1000", { payee: addr, agentId: "agt_2" }),
      alerts: ON,
      now: t + 2,
    });
    // A payment without a recorded payee cannot be judged: no event.
    await dispatcher(orgId).observePayment({
      orgId,
      payment: payment("1000", { payee: null }),
      alerts: ON,
      now: t + 3,
    });
    const got = await events(ep.endpointId);
    expect(got.map((e) => e.type)).toEqual(["payee.new"]);
    expect(got[0]!.data).toMatchObject({
      payee: addr.toLowerCase(),
      scope: "org",
      agentId: "agt_1",
      amount: { amount: "1000", currency: "PATHUSD", decimals: 6 },
    });
  });

  it("perAgent: a payee the org knows but this agent never paid fires with scope agent", async () => {
    const ep = await seedEndpoint({ events: ["payee.new"] });
    const orgId = ep.orgId;
    const alerts = AlertsConfig.parse({ newPayee: { enabled: true, perAgent: true } });
    const t = base();
    const p = "vendor.example";
    await dispatcher(orgId).observePayment({ orgId, payment: payment("1", { payee: p }), alerts, now: t });
    await dispatcher(orgId).observePayment({
      orgId,
      payment: payment("1", { payee: p, agentId: "agt_2" }),
      alerts,
      now: t + 1,
    });
    await dispatcher(orgId).observePayment({
      orgId,
      payment: payment("1", { payee: p, agentId: "agt_2" }),
      alerts,
      now: t + 2,
    });
    const got = await events(ep.endpointId);
    expect(got.map((e) => (e.data as { scope: string }).scope)).toEqual(["org", "agent"]);
  });

  it("events go only to endpoints subscribed to them", async () => {
    const ep = await seedEndpoint({ events: ["transaction.committed"] });
    const all = await seedEndpoint({ orgId: ep.orgId });
    const t = base();
    await dispatcher(ep.orgId).observePayment({ orgId: ep.orgId, payment: payment("1"), alerts: ON, now: t });
    expect(await deliveriesOf(ep.endpointId)).toHaveLength(0);
    expect((await events(all.endpointId)).map((e) => e.type)).toEqual(["payee.new"]);
  });

  it("known payees are bounded: the least recently paid is forgotten first", async () => {
    const ep = await seedEndpoint({ events: ["payee.new"] });
    const stub = dispatcher(ep.orgId);
    await stub.observePayment({
      orgId: ep.orgId,
      payment: payment("1", { payee: "first" }),
      alerts: ON,
      now: base(),
    });
    await runInDurableObject(stub, async (_obj, state) => {
      const sql = state.storage.sql;
      for (let i = 0; i < MAX_KNOWN_PAYEES; i++)
        sql.exec(
          "INSERT INTO known_payees (scope, payee, first_at, first_tx, last_at) VALUES ('org', ?, 1, 'tx', ?)",
          `filler-${i}`,
          base() + 10 + i,
        );
    });
    await stub.observePayment({
      orgId: ep.orgId,
      payment: payment("1", { payee: "newest" }),
      alerts: ON,
      now: base() + 2 * HOUR,
    });
    await runInDurableObject(stub, async (_obj, state) => {
      const sql = state.storage.sql;
      expect(sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM known_payees").one().n).toBe(
        MAX_KNOWN_PAYEES,
      );
      expect(sql.exec("SELECT 1 FROM known_payees WHERE payee = 'first'").toArray()).toHaveLength(0);
      expect(sql.exec("SELECT 1 FROM known_payees WHERE payee = 'newest'").toArray()).toHaveLength(1);
    });
  });
});

describe("observePayment, as the gateway calls it after the answer", () => {
  it("never throws: an unreachable dispatcher is logged and the payment never hears of it", async () => {
    const broken = {
      WEBHOOKS: {
        getByName: () => ({
          observePayment: async () => {
            throw new Error("dispatcher overloaded");
          },
        }),
      },
    } as unknown as Env;
    await expect(observePayment(broken, "org_broken", payment("1"), ON)).resolves.toBeUndefined();
  });

  it("a payment the object refuses (a hostile upstream's oversized currency) is dropped, not thrown", async () => {
    const ep = await seedEndpoint();
    const bad = { ...payment("1"), amount: { amount: "1", currency: "X".repeat(500), decimals: 6 } };
    await expect(observePayment(env, ep.orgId, bad, ON, base())).resolves.toBeUndefined();
    expect(await deliveriesOf(ep.endpointId)).toHaveLength(0);
  });
});
