// Attack: a compromised plugin installed in three agents spends fast, but keeps every agent under the
// velocity alert's floors: two small payments each, from separate sessions. The org-level watch
// adds them up (one currency, every agent) and fires once; the per-agent watches stay quiet, as
// they should, and every payment went through (an alert never blocks one). The same holds when the
// org's ledger is sharded and the agents' commits land in different ledger objects: the watch is the
// org's one dispatcher, not a ledger shard.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { shardOf } from "../../src/ledger/lease/shards";
import { dispatcher, seedEndpoint } from "../events/helpers";
import { withPayer } from "../helpers/mcp-client";
import { witness } from "../helpers/witness";
import { queued, setAlerts, waitForEvents, waitForObserved } from "../mcp/alert-helpers";
import { attackOrg, connect, transactions } from "./helpers";

const HOUR = 3_600_000;
const mandate = { currency: "PATHUSD", decimals: 6, budgetDaily: "1000000000" };

describe("a burst split across agents, sessions and small payments", () => {
  it("still trips the org-level spend.velocity alert, once", { timeout: 30_000 }, async () => {
    const org = await attackOrg({
      agents: ["a", "b", "c"].map((name, i) => ({ name, isDefault: i === 0, mandate })),
    });
    const alerts = await setAlerts(org.orgId, {
      velocity: {
        enabled: true,
        windowMinutes: 10,
        baselineHours: 24,
        multiplePercent: 300,
        minPayments: 3,
        perAgent: true,
      },
    });
    const hook = await seedEndpoint({ orgId: org.orgId, events: ["spend.velocity"] });
    // The usual day: 0.05 an hour, by an agent not in the attack.
    const now = Date.now();
    for (let h = 26; h >= 2; h--)
      await dispatcher(org.orgId).observePayment({
        orgId: org.orgId,
        payment: {
          transactionId: `tx_usual_${h}`,
          agentId: "agt_usual",
          payee: "0x742d35cc6634c0532925a3b844bc454e4438f44e",
          amount: { amount: "50000", currency: "PATHUSD", decimals: 6 },
        },
        alerts,
        now: now - h * HOUR,
      });

    // Each agent: two sessions, one 0.25 payment in each (under minPayments per agent).
    for (const name of ["a", "b", "c"]) {
      for (const text of ["x", "y"]) {
        const payer = withPayer(await connect(org.url(org.agentKeys[name]!)));
        await payer.callTool({ name: "paid_echo", arguments: { text: `${name}${text}`, price: "0.25" } });
      }
    }
    await waitForObserved(org.orgId, 6, now - 2 * HOUR);
    const events = await waitForEvents(hook.endpointId, "spend.velocity", 1);
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({
      scope: "org",
      windowPayments: 3,
      windowSpend: "750000000000000000",
    });
    expect(
      (await queued(hook.endpointId)).filter((e) => (e.data as { scope?: string }).scope === "agent"),
    ).toEqual([]);

    // Every payment was made and committed: the watch decides nothing about money.
    const w = await witness(org.host);
    expect(w.runs.filter((r) => r.tool === "paid_echo")).toHaveLength(6);
    const rows = await transactions(org.orgId);
    expect(rows.filter((r) => r.status === "committed")).toHaveLength(6);
  });

  it("still trips it when the org's ledger is sharded and each agent commits in another shard", {
    timeout: 30_000,
  }, async () => {
    const SHARDS = 4;
    const names = Array.from({ length: 12 }, (_, i) => `agent${i}`);
    const org = await attackOrg({ agents: names.map((name, i) => ({ name, isDefault: i === 0, mandate })) });
    await env.DB.prepare("UPDATE orgs SET settings = json_set(settings, '$.ledgerShards', ?) WHERE id = ?")
      .bind(SHARDS, org.orgId)
      .run();
    const alerts = await setAlerts(org.orgId, {
      velocity: { enabled: true, windowMinutes: 10, baselineHours: 24, multiplePercent: 300, minPayments: 3 },
    });
    // Three agents on three different shards.
    const picked: string[] = [];
    for (const n of names)
      if (!picked.some((p) => shardOf(org.agentIds[p]!, SHARDS) === shardOf(org.agentIds[n]!, SHARDS)))
        picked.push(n);
    expect(picked.length).toBeGreaterThanOrEqual(3);
    const hook = await seedEndpoint({ orgId: org.orgId, events: ["spend.velocity"] });
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
    for (const name of picked.slice(0, 3)) {
      const payer = withPayer(await connect(org.url(org.agentKeys[name]!)));
      await payer.callTool({ name: "paid_echo", arguments: { text: name, price: "0.40" } });
    }
    await waitForObserved(org.orgId, 3, now - 2 * HOUR);
    const events = await waitForEvents(hook.endpointId, "spend.velocity", 1);
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({
      scope: "org",
      windowPayments: 3,
      windowSpend: "1200000000000000000",
    });
    expect((await witness(org.host)).runs.filter((r) => r.tool === "paid_echo")).toHaveLength(3);
  });
});
