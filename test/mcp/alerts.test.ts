// Anomaly alerts from the gateway: real paid calls to the demo upstream (real mppx challenges), their
// commits watched by the org's dispatcher after the answer. Off by default; payee.new and
// spend.velocity when the org turns them on.
import { env } from "cloudflare:workers";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterEach, describe, expect, it } from "vitest";
import { verifyWebhook } from "../../src/events";
import { ledgerFor } from "../../src/ledger/client";
import { dispatcher, futureNow, received, seedEndpoint } from "../events/helpers";
import { connectMcp, withPayer } from "../helpers/mcp-client";
import { seedOrg } from "../helpers/seed";
import { addr, queued, setAlerts, waitForEvents, waitForObserved, watchRows } from "./alert-helpers";

const HOUR = 3_600_000;
const RECIPIENT = "0x742d35cc6634c0532925a3b844bc454e4438f44e";

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function payerFor(url: string) {
  const c = await connectMcp(url);
  clients.push(c);
  return withPayer(c);
}

const mandate = { currency: "PATHUSD", decimals: 6, budgetDaily: "1000000000" };

async function committedCount(orgId: string): Promise<number> {
  await ledgerFor(env, orgId).flush();
  const r = await env.DB.prepare(
    "SELECT COUNT(*) AS n FROM transactions WHERE org_id = ? AND status = 'committed'",
  )
    .bind(orgId)
    .first<{ n: number }>();
  return r?.n ?? 0;
}

describe("anomaly alerts through the gateway", () => {
  it("off by default: payments to fresh payees queue no alert and leave no watch state", async () => {
    const org = await seedOrg({ agents: [{ name: "main", isDefault: true, mandate }] });
    const hook = await seedEndpoint({ orgId: org.orgId });
    const payer = await payerFor(org.url(org.agentKeys.main!));
    for (let i = 1; i <= 4; i++)
      await payer.callTool({
        name: "paid_echo",
        arguments: { text: `a${i}`, price: "1.00", payTo: addr(i) },
      });
    await waitForEvents(hook.endpointId, "transaction.committed", 4);
    const types = (await queued(hook.endpointId)).map((e) => e.type);
    expect(types).not.toContain("payee.new");
    expect(types).not.toContain("spend.velocity");
    expect(await watchRows(org.orgId)).toEqual({ buckets: 0, payees: 0 });
  });

  it("payee.new fires on the first payment to an address and not on the second", async () => {
    const org = await seedOrg({ agents: [{ name: "main", isDefault: true, mandate }] });
    await setAlerts(org.orgId, { newPayee: { enabled: true } });
    const hook = await seedEndpoint({ orgId: org.orgId, events: ["payee.new"] });
    const payer = await payerFor(org.url(org.agentKeys.main!));
    await payer.callTool({ name: "paid_echo", arguments: { text: "one", price: "0.50" } });
    const [first] = await waitForEvents(hook.endpointId, "payee.new", 1);
    expect(first).toMatchObject({
      orgId: org.orgId,
      type: "payee.new",
      data: {
        payee: RECIPIENT,
        scope: "org",
        agentId: org.agentIds.main,
        tool: "paid_echo",
        amount: { amount: "500000", currency: expect.any(String), decimals: 6 },
        unconfirmed: false,
      },
    });
    expect((first!.data as { transactionId: string }).transactionId).toMatch(/^tx_/);
    await payer.callTool({ name: "paid_echo", arguments: { text: "two", price: "0.50" } });
    await payer.callTool({ name: "paid_echo", arguments: { text: "three", price: "0.50", payTo: addr(7) } });
    const after = await waitForEvents(hook.endpointId, "payee.new", 2);
    expect(after.map((e) => (e.data as { payee: string }).payee)).toEqual([RECIPIENT, addr(7)]);
    expect(await committedCount(org.orgId)).toBe(3);
  });

  it("a payment that may have moved without a receipt (committed unconfirmed) is watched too", async () => {
    const org = await seedOrg({ agents: [{ name: "main", isDefault: true, mandate }] });
    await setAlerts(org.orgId, { newPayee: { enabled: true } });
    const hook = await seedEndpoint({ orgId: org.orgId, events: ["payee.new"] });
    const payer = await payerFor(org.url(org.agentKeys.main!));
    await payer.callTool({ name: "charge_then_fail", arguments: {} }).catch(() => undefined);
    const [event] = await waitForEvents(hook.endpointId, "payee.new", 1);
    expect(event!.data).toMatchObject({ tool: "charge_then_fail", unconfirmed: true, payee: RECIPIENT });
  });

  it("spend.velocity fires once on a burst over the usual rate, signed to the subscribed endpoint", {
    timeout: 20_000,
  }, async () => {
    const org = await seedOrg({ agents: [{ name: "main", isDefault: true, mandate }] });
    const alerts = await setAlerts(org.orgId, {
      velocity: { enabled: true, windowMinutes: 10, baselineHours: 24, multiplePercent: 300, minPayments: 3 },
    });
    const hook = await seedEndpoint({ orgId: org.orgId, events: ["spend.velocity"] });
    const quiet = await seedEndpoint({ orgId: org.orgId, events: ["payee.new"] });
    // A usual day: 0.10 an hour for the last day, as the watch saw it.
    const payer = await payerFor(org.url(org.agentKeys.main!));
    await payer.callTool({ name: "paid_echo", arguments: { text: "probe", price: "0.10" } });
    const currency = await waitForCurrency(org.orgId);
    const now = Date.now();
    for (let h = 26; h >= 2; h--) {
      await dispatcher(org.orgId).observePayment({
        orgId: org.orgId,
        payment: {
          transactionId: `tx_past_${h}`,
          agentId: org.agentIds.main!,
          payee: RECIPIENT,
          amount: { amount: "100000", currency, decimals: 6 },
        },
        alerts,
        now: now - h * HOUR,
      });
    }
    // Then a burst: 6 x 1.00 in a minute.
    for (let i = 0; i < 6; i++)
      await payer.callTool({ name: "paid_echo", arguments: { text: `b${i}`, price: "1.00" } });
    await waitForEvents(hook.endpointId, "spend.velocity", 1);
    expect(await committedCount(org.orgId)).toBe(7);
    // Every burst payment was watched (the probe and the burst are in buckets after the last past hour).
    await waitForObserved(org.orgId, 1 + 6, now - 2 * HOUR);
    const [event, ...more] = (await queued(hook.endpointId)).filter((e) => e.type === "spend.velocity");
    expect(more).toHaveLength(0);
    expect(event!.data).toMatchObject({
      scope: "org",
      agentId: org.agentIds.main,
      currency: "USD",
      decimals: 18,
      windowMinutes: 10,
      baselineHours: 24,
      multiplePercent: 300,
      amount: { amount: "1000000", currency, decimals: 6 },
    });
    const d = event!.data as { windowSpend: string; usualWindowSpend: string; windowPayments: number };
    expect(BigInt(d.windowSpend) * 100n).toBeGreaterThan(300n * BigInt(d.usualWindowSpend));
    expect(d.windowPayments).toBeGreaterThanOrEqual(3);
    expect(await queued(quiet.endpointId)).toHaveLength(0);
    // Delivered signed like every event: the receiver verifies it with the endpoint's secret.
    await dispatcher(org.orgId).deliverDue({ now: futureNow() });
    const [req] = await received(hook.name);
    const t = Number(req!.headers["webhook-timestamp"]);
    expect(await verifyWebhook(hook.secret, req!.headers, req!.body, t)).toMatchObject({ ok: true });
    expect(JSON.parse(req!.body)).toEqual(event);
  });

  it("a priced tool's committed price is spend too; it names no payee", { timeout: 20_000 }, async () => {
    const org = await seedOrg({
      agents: [{ name: "main", isDefault: true, mandate }],
      upstreams: [
        {
          namespace: "paid",
          url: "https://paid.example/mcp",
          toolPrices: { echo: { amount: "2000000", currency: "PATHUSD", decimals: 6 } },
        },
      ],
    });
    const alerts = await setAlerts(org.orgId, { velocity: { enabled: true }, newPayee: { enabled: true } });
    const hook = await seedEndpoint({ orgId: org.orgId, events: ["spend.velocity", "payee.new"] });
    const now = Date.now();
    await dispatcher(org.orgId).observePayment({
      orgId: org.orgId,
      payment: {
        transactionId: "tx_old",
        agentId: null,
        payee: null,
        amount: { amount: "1", currency: "USD", decimals: 2 },
      },
      alerts,
      now: now - 3 * HOUR,
    });
    const client = await connectMcp(org.url(org.agentKeys.main!));
    clients.push(client);
    for (let i = 0; i < 3; i++) await client.callTool({ name: "echo", arguments: { text: `e${i}` } });
    const [event] = await waitForEvents(hook.endpointId, "spend.velocity", 1);
    expect(event!.data).toMatchObject({
      tool: "echo",
      payee: null,
      windowPayments: 3,
      windowSpend: "6000000000000000000",
    });
    await waitForObserved(org.orgId, 3, now - HOUR * 2);
    expect((await queued(hook.endpointId)).map((e) => e.type)).toEqual(["spend.velocity"]);
  });
});

/** The currency the demo's offers are committed in, read off the first committed tx. */
async function waitForCurrency(orgId: string): Promise<string> {
  await ledgerFor(env, orgId).flush();
  const r = await env.DB.prepare(
    "SELECT currency FROM transactions WHERE org_id = ? AND status = 'committed'",
  )
    .bind(orgId)
    .first<{ currency: string }>();
  if (!r) throw new Error("no committed tx yet");
  return r.currency;
}
