// Policy replay with draft mandates: the same draft policy, judged with a draft per-agent mandate in
// place of the agent's current one, flips calls a hand computation says it flips; an agent without a
// draft keeps its current mandate, and a draft of `null` removes one.
import { describe, expect, it } from "vitest";
import { api, expectError, insertTransaction, newAgent, newOrg } from "./helpers";

// No rule for `lookup`: only the mandates decide its calls.
const POLICY = `version: "1"
currency: USD
tools:
  search:
    rules:
      - name: "search cap"
        spend:
          per_call: 5.00
`;

const D1 = Date.UTC(2031, 2, 10);
const H = 3_600_000;
const PERIOD = { from: D1, to: D1 + 24 * H };

async function putMandate(token: string, agentId: string, body: Record<string, unknown>) {
  const r = await api("PUT", `/org/agents/${agentId}/mandate`, { token, body });
  expect(r.status).toBe(200);
}

async function seed(prefix = "tx_m") {
  const { orgId, adminKey } = await newOrg();
  const a = await newAgent(adminKey, "a");
  const b = await newAgent(adminKey, "b");
  const c = await newAgent(adminKey, "c");
  await putMandate(adminKey, a, { currency: "USD", budgets: { daily: "100.00" } });
  await putMandate(adminKey, c, { currency: "USD", perTransactionLimit: "1.00" });
  // [agent, hour, cents, status]: what the gateway recorded under the current mandates.
  const calls: [string, number, string, "committed" | "denied"][] = [
    [a, 9, "300", "committed"],
    [a, 10, "500", "committed"],
    [a, 11, "400", "committed"],
    [a, 12, "200", "committed"],
    [a, 13, "100", "committed"],
    [b, 13.5, "500", "committed"],
    [c, 14, "200", "denied"],
  ];
  for (const [i, [agentId, h, cents, status]] of calls.entries())
    await insertTransaction(orgId, {
      id: `${prefix}${i}`,
      agentId,
      tool: "lookup",
      amount: cents,
      committedAmount: status === "committed" ? cents : null,
      status,
      decision: status === "denied" ? "deny" : "allow",
      reasonCode: status === "denied" ? "per_call_limit" : null,
      createdAt: D1 + h * H,
    });
  return { orgId, adminKey, a, b, c };
}

const decisions = (body: { calls: { transactionId: string; new: { decision: string } }[] }) =>
  body.calls.map((x) => [x.transactionId, x.new.decision]);

describe("policy replay with draft mandates", () => {
  it("judges each agent with its draft mandate, hand-computed", async () => {
    const { adminKey, a, b, c } = await seed();
    // Without drafts the current mandates reproduce the record: nothing flips.
    const same = await api("POST", "/org/policies/replay", {
      token: adminKey,
      body: { source: POLICY, ...PERIOD },
    });
    expect(same.status).toBe(200);
    expect(same.body.totals).toMatchObject({ calls: 7, changed: 0 });

    // a: 4.00 per call and 8.00 a day; c: no mandate at all; b: no draft (keeps none).
    const draftA = { currency: "USD", perTransactionLimit: "4.00", budgets: { daily: "8.00" } };
    const r = await api("POST", "/org/policies/replay", {
      token: adminKey,
      body: {
        source: POLICY,
        ...PERIOD,
        mandates: [
          { agentId: a, mandate: draftA },
          { agentId: c, mandate: null },
        ],
      },
    });
    expect(r.status).toBe(200);
    expect(decisions(r.body)).toEqual([
      ["tx_m0", "allow"], // 3.00: day 3.00
      ["tx_m1", "deny"], // 5.00 > 4.00 per call (prevented 5.00)
      ["tx_m2", "allow"], // 4.00 = the per-call limit: day 7.00
      ["tx_m3", "deny"], // 2.00: 9.00 > 8.00 a day (prevented 2.00)
      ["tx_m4", "allow"], // 1.00: day 8.00, exactly the budget
      ["tx_m5", "allow"], // b: no mandate, no rule
      ["tx_m6", "allow"], // c: its 1.00 cap is gone (allowed 2.00)
    ]);
    expect(r.body.calls[1].new).toMatchObject({ reasonCode: "per_call_limit" });
    expect(r.body.calls[3].new.reasonCode).toBe("budget_exceeded");
    expect(r.body.totals).toMatchObject({
      calls: 7,
      changed: 3,
      allowToDeny: 2,
      denyToAllow: 1,
      prevented: [{ amount: "700", currency: "USD", decimals: 2 }],
      allowed: [{ amount: "200", currency: "USD", decimals: 2 }],
    });
    expect(r.body.firstDivergence).toMatchObject({ transactionId: "tx_m1", agentId: a });
    const byAgent = Object.fromEntries(
      r.body.byAgent.map((x: { agentId: string; changed: number }) => [x.agentId, x.changed]),
    );
    expect(byAgent).toEqual({ [a]: 2, [b]: 0, [c]: 1 });

    // A replay stores nothing: the current mandate is still the one the gateway uses.
    const stored = await api("GET", `/org/agents/${a}/mandate`, { token: adminKey });
    expect(stored.body.budgets.daily.amount).toBe("10000");
  });

  it("validates drafts like stored mandates and only for the org's own agents", async () => {
    const { adminKey, a } = await seed("tx_v");
    const other = await newOrg("Other");
    const theirs = await newAgent(other.adminKey, "theirs");
    const replay = (mandates: unknown) =>
      api("POST", "/org/policies/replay", {
        token: adminKey,
        body: { source: POLICY, ...PERIOD, mandates },
      });
    expectError(await replay([{ agentId: theirs, mandate: null }]), 404, "NOT_FOUND");
    const precise = await replay([
      { agentId: a, mandate: { currency: "USD", perTransactionLimit: "1.001" } },
    ]);
    expectError(precise, 400, "VALIDATION_FAILED");
    expect(precise.body.error.details[0].path).toBe("mandates.0.mandate.perTransactionLimit");
    const inactive = await replay([{ agentId: a, mandate: { currency: "USD", active: false } }]);
    expectError(inactive, 400, "VALIDATION_FAILED");
    expectError(
      await replay([{ agentId: a, mandate: { currency: "USD", extra: 1 } }]),
      400,
      "VALIDATION_FAILED",
    );
    const twice = [
      { agentId: a, mandate: null },
      { agentId: a, mandate: { currency: "USD" } },
    ];
    expectError(await replay(twice), 400, "VALIDATION_FAILED");
  });
});
