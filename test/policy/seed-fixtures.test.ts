// The four policies of Intercept's MPP post, loaded verbatim from test/fixtures/policies, behave
// exactly as the post says, at the exact base-unit thresholds.
import { describe, expect, it } from "vitest";
import getStarted from "../fixtures/policies/getting-started.yaml?raw";
import globalBudget from "../fixtures/policies/global-daily-budget.yaml?raw";
import imageBudget from "../fixtures/policies/image-budget.yaml?raw";
import research from "../fixtures/policies/research-report-approval.yaml?raw";
import { compileOk, price, run } from "./helpers";

describe("image budget: generate_image $5 per call, $50 per day", () => {
  const policy = compileOk(imageBudget);

  it("passes a 5.000000 pathUSD call and refuses 5.000001 with the per-call limit", () => {
    const ok = run(policy, { price: price(5_000_000) });
    expect(ok.action).toBe("allow");
    const over = run(policy, { price: price(5_000_001) });
    expect(over.action).toBe("deny");
    expect(over.denial).toMatchObject({
      code: "per_call_limit",
      rule: "image budget",
      source: "policy",
      limit: "5000000",
      currency: "PATHUSD",
      decimals: 6,
    });
    expect(over.denial?.message).toContain("5.000001 PATHUSD");
    expect(over.denial?.message).toContain("5.000000 PATHUSD");
    expect(over.scopes).toEqual([]);
  });

  it("reserves the price against a daily line with limit 50000000", () => {
    const d = run(policy, { price: price(4_200_000) });
    expect(d.scopes).toEqual([
      {
        key: "p:generate_image:image budget:spend:daily:PATHUSD/6",
        label: expect.stringContaining("daily"),
        window: "day",
        timeZone: "UTC",
        limit: "50000000",
        amount: "4200000",
        unit: "PATHUSD/6",
        kind: "money",
      },
    ]);
  });

  it("scales the same $ limits to a cents-priced currency (5.00 -> 500)", () => {
    expect(run(policy, { price: price(500, "USD", 2) }).action).toBe("allow");
    const d = run(policy, { price: price(501, "USD", 2) });
    expect(d.denial).toMatchObject({ code: "per_call_limit", limit: "500", currency: "USD" });
    expect(run(policy, { price: price(100, "USD", 2) }).scopes[0]).toMatchObject({
      limit: "5000",
      unit: "USD/2",
      key: "p:generate_image:image budget:spend:daily:USD/2",
    });
  });

  it("leaves other tools alone and waits for a price before checking spend", () => {
    expect(run(policy, { tool: "caption", price: price(99_000_000) }).action).toBe("allow");
    const pre = run(policy, { price: null });
    expect(pre.action).toBe("allow");
    expect(pre.scopes).toEqual([]);
  });
});

describe('global daily budget: "*" caps all paid tools at $200 per day', () => {
  const policy = compileOk(globalBudget);

  it("puts every tool's spend on one _global line with limit 200000000", () => {
    const a = run(policy, { tool: "generate_image", price: price(50_000_000) });
    const b = run(policy, { tool: "research_report", price: price(50_000_000) });
    expect(a.scopes).toHaveLength(1);
    expect(a.scopes[0]).toMatchObject({
      key: "p:_global:global daily budget:spend:daily:PATHUSD/6",
      limit: "200000000",
      amount: "50000000",
    });
    expect(b.scopes[0]?.key).toBe(a.scopes[0]?.key);
  });

  it("applies after a tool's own budget, which still decides first", () => {
    const both = compileOk(
      `${imageBudget}\n  "*":\n    rules:\n      - name: "global daily budget"\n        spend:\n          daily: 200.00\n`,
    );
    const d = run(both, { price: price(3_000_000) });
    expect(d.scopes.map((s) => s.key)).toEqual([
      "p:generate_image:image budget:spend:daily:PATHUSD/6",
      "p:_global:global daily budget:spend:daily:PATHUSD/6",
    ]);
    expect(run(both, { price: price(6_000_000) }).denial?.rule).toBe("image budget");
  });
});

describe("approval escalation: research_report over $10 needs a human", () => {
  const policy = compileOk(research);

  it("lets 10000000 (exactly $10) through and holds 10000001 for approval", () => {
    const cheap = run(policy, { tool: "research_report", price: price(10_000_000) });
    expect(cheap.action).toBe("allow");
    expect(cheap.scopes[0]).toMatchObject({ limit: "100000000", amount: "10000000", window: "day" });
    const dear = run(policy, { tool: "research_report", price: price(10_000_001) });
    expect(dear.action).toBe("require_approval");
    expect(dear.denial).toEqual({
      code: "approval_required",
      rule: "expensive needs approval",
      source: "policy",
      message: "Research report over $10 requires approval",
    });
    expect(dear.approvalTimeoutMs).toBe(30 * 60_000);
  });

  it("lets an approved $35 report through, still counted against the $100 daily budget", () => {
    const d = run(policy, { tool: "research_report", price: price(35_000_000) }, { approved: true });
    expect(d.action).toBe("allow");
    expect(d.scopes).toEqual([expect.objectContaining({ amount: "35000000", limit: "100000000" })]);
  });

  it("does not ask for approval before the price is known", () => {
    expect(run(policy, { tool: "research_report", price: null }).action).toBe("allow");
  });
});

describe("getting started: every tool $5 per call and $100 per day", () => {
  const policy = compileOk(getStarted);

  it("caps each call at 5000000 and counts the day on a _global line of 100000000", () => {
    for (const tool of ["a", "b", "weather"]) {
      expect(run(policy, { tool, price: price(5_000_000) }).action).toBe("allow");
      const over = run(policy, { tool, price: price(5_000_001) });
      expect(over.denial).toMatchObject({ code: "per_call_limit", rule: "per-call cap" });
    }
    expect(run(policy, { tool: "x", price: price(1) }).scopes).toEqual([
      expect.objectContaining({
        key: "p:_global:daily budget:spend:daily:PATHUSD/6",
        limit: "100000000",
        amount: "1",
      }),
    ]);
  });
});
