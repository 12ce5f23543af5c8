// Policy replay against a hand-computed day: a tighter per-call cap and a daily budget that runs
// out mid-day, over recorded calls that the old policy let through (and one it refused).
import { describe, expect, it } from "vitest";
import { api, expectError, insertTransaction, newOrg } from "./helpers";

const DRAFT = `version: "1"
currency: USD
tools:
  search:
    rules:
      - name: "search cap"
        spend:
          per_call: 5.00
          daily: 10.00
`;

const D1 = Date.UTC(2031, 0, 15);
const H = 3_600_000;

/** [hour offset from D1, cents, status]: the old policy allowed and committed all but the last search. */
const CALLS: [number, string, "committed" | "denied", string?][] = [
  [9, "300", "committed"], // 3.00  -> allow, day 3.00
  [10, "300", "committed"], // 3.00 -> allow, day 6.00
  [11, "600", "committed"], // 6.00 -> per-call cap: deny (prevented 6.00)
  [12, "300", "committed"], // 3.00 -> allow, day 9.00
  [13, "300", "committed"], // 3.00 -> 12.00 > 10.00: deny (prevented 3.00)
  [14, "200", "committed"], // 2.00 -> 11.00 > 10.00: deny (prevented 2.00)
  [14.5, "100", "committed"], // 1.00 -> 10.00: allow (exactly the limit)
  [33, "300", "committed"], // next day 3.00 -> allow, day 3.00
  [39, "400", "denied"], // next day 4.00, refused before -> allow now, day 7.00 (allowed 4.00)
  [40, "900", "committed", "fetch"], // another tool: no rule, unchanged
];

describe("policy replay", () => {
  it("answers per call, totals and the first divergence for a hand-computed case", async () => {
    const { orgId, adminKey } = await newOrg();
    const ids: string[] = [];
    for (const [i, [h, cents, status, tool]] of CALLS.entries())
      ids.push(
        await insertTransaction(orgId, {
          id: `tx_r${i}`,
          agentId: "agt_a",
          tool: tool ?? "search",
          amount: cents,
          committedAmount: status === "committed" ? cents : null,
          status,
          decision: status === "denied" ? "deny" : "allow",
          reasonCode: status === "denied" ? "policy_denied" : null,
          createdAt: D1 + h * H,
        }),
      );
    const r = await api("POST", "/org/policies/replay", {
      token: adminKey,
      body: { source: DRAFT, from: D1, to: D1 + 2 * 24 * H },
    });
    expect(r.status).toBe(200);
    const flips = r.body.calls.map((c: { transactionId: string; new: { decision: string } }) => [
      c.transactionId,
      c.new.decision,
    ]);
    expect(flips).toEqual([
      ["tx_r0", "allow"],
      ["tx_r1", "allow"],
      ["tx_r2", "deny"],
      ["tx_r3", "allow"],
      ["tx_r4", "deny"],
      ["tx_r5", "deny"],
      ["tx_r6", "allow"],
      ["tx_r7", "allow"],
      ["tx_r8", "allow"],
      ["tx_r9", "allow"],
    ]);
    expect(r.body.calls[2].new).toMatchObject({ reasonCode: "per_call_limit", rule: "search cap" });
    expect(r.body.calls[4].new.reasonCode).toBe("budget_exceeded");
    expect(r.body.totals).toMatchObject({
      calls: 10,
      changed: 4,
      allowToDeny: 3,
      denyToAllow: 1,
      toApproval: 0,
      prevented: [{ amount: "1100", currency: "USD", decimals: 2, display: "11.00 USD" }],
      allowed: [{ amount: "400", currency: "USD", decimals: 2 }],
    });
    expect(r.body.firstDivergence).toMatchObject({
      transactionId: "tx_r2",
      old: { decision: "allow", status: "committed" },
      new: { decision: "deny" },
    });
    const byTool = Object.fromEntries(
      r.body.byTool.map((t: { tool: string; changed: number }) => [t.tool, t.changed]),
    );
    expect(byTool).toEqual({ search: 4, fetch: 0 });
    expect(r.body.byAgent).toMatchObject([{ agentId: "agt_a", changed: 4 }]);

    // Only the flips, one page at a time.
    const page = await api("POST", "/org/policies/replay", {
      token: adminKey,
      body: { source: DRAFT, from: D1, to: D1 + 2 * 24 * H, onlyChanged: true, limit: 3 },
    });
    expect(page.body.calls.map((c: { transactionId: string }) => c.transactionId)).toEqual([
      "tx_r2",
      "tx_r4",
      "tx_r5",
    ]);
    expect(page.body.nextOffset).toBe(3);
    expect(page.body.totals.changed).toBe(4);
  });

  it("caps the period and names bad drafts", async () => {
    const { adminKey } = await newOrg();
    const long = await api("POST", "/org/policies/replay", {
      token: adminKey,
      body: { source: DRAFT, from: D1, to: D1 + 40 * 24 * H },
    });
    expectError(long, 400, "VALIDATION_FAILED");
    expect(long.body.error.details[0].path).toBe("to");
    const bad = await api("POST", "/org/policies/replay", {
      token: adminKey,
      body: { source: "version: 2\ntools: 7", from: D1, to: D1 + H },
    });
    expect(bad.status).toBe(400);
  });
});
