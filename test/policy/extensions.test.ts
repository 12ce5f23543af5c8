// Tollgate's own additions: a budget currency with conversions (fail closed), time zones, more windows,
// session budgets, vendor paths and regexes.
import { describe, expect, it } from "vitest";
import { compilePolicy } from "../../src/policy";
import ext from "../fixtures/policies/tollgate-extensions.yaml?raw";
import { call, compileOk, price, run } from "./helpers";

const policy = compileOk(ext);
const WED_10_PARIS = Date.UTC(2026, 2, 4, 9, 0); // 10:00 in Paris (UTC+1 in March)
const SAT_10_PARIS = Date.UTC(2026, 2, 7, 9, 0);
const ok = { vendor: "api.exa.ai" };

describe("budget currency and conversions", () => {
  it("converts a 6-decimal USDC price to USD cents, rounding up", () => {
    const d = run(
      policy,
      { tool: "search__web", price: price(123_456, "USDC"), ...ok },
      { now: WED_10_PARIS },
    );
    expect(d.action).toBe("allow");
    // 0.123456 USDC -> 0.13 USD (rounded up, never cheaper than the real price)
    expect(d.scopes.map((s) => [s.key, s.amount, s.limit, s.unit])).toEqual([
      ["p:search__*:search family budget:spend:hourly:USD/2", "13", "500", "USD/2"],
      ["p:search__*:search family budget:spend:daily:USD/2", "13", "2000", "USD/2"],
      ["p:search__*:search family budget:spend:session:sess_1:USD/2", "13", "800", "USD/2"],
      ["p:_global:org monthly budget:spend:weekly:USD/2", "13", "30000", "USD/2"],
      ["p:_global:org monthly budget:spend:monthly:USD/2", "13", "100000", "USD/2"],
      ["p:_global:org monthly budget:spend:total:USD/2", "13", "1000000", "USD/2"],
    ]);
    expect(d.scopes.every((s) => s.timeZone === "Europe/Paris")).toBe(true);
  });

  it("applies the per-call cap after conversion: 0.50 USD", () => {
    expect(
      run(policy, { tool: "search__web", price: price(500_000, "PATHUSD"), ...ok }, { now: WED_10_PARIS })
        .action,
    ).toBe("allow");
    expect(
      run(policy, { tool: "search__web", price: price(500_001, "PATHUSD"), ...ok }, { now: WED_10_PARIS })
        .denial,
    ).toMatchObject({
      code: "per_call_limit",
      limit: "50",
      currency: "USD",
      decimals: 2,
    });
    // EUR at 1.08: 0.46 EUR = 0.4968 USD -> 0.50 USD passes, 0.47 EUR = 0.5076 -> 0.51 fails
    expect(
      run(policy, { tool: "search__web", price: price(46, "EUR", 2), ...ok }, { now: WED_10_PARIS }).action,
    ).toBe("allow");
    expect(
      run(policy, { tool: "search__web", price: price(47, "EUR", 2), ...ok }, { now: WED_10_PARIS }).action,
    ).toBe("deny");
  });

  it("denies a price it cannot convert (fail closed)", () => {
    const d = run(policy, { tool: "search__web", price: price(1, "GBP", 2), ...ok }, { now: WED_10_PARIS });
    expect(d.denial).toMatchObject({ code: "currency_unconvertible", rule: "web search cap" });
    const withTable = run(
      policy,
      { tool: "search__web", price: price(1, "GBP", 2), ...ok },
      { now: WED_10_PARIS, conversions: [{ from: "GBP", to: "USD", rate: "1.27" }] },
    );
    expect(withTable.action).toBe("allow");
  });

  it("a session budget without a session id uses one shared bucket", () => {
    const d = run(
      policy,
      { tool: "search__news", sessionId: null, price: price(1, "USD", 2), ...ok },
      { now: WED_10_PARIS },
    );
    expect(d.scopes.find((s) => s.window === "session")?.key).toBe(
      "p:search__*:search family budget:spend:session:_nosession:USD/2",
    );
  });
});

describe("time zone, vendor and weekday conditions", () => {
  it("refuses outside office hours in Paris and outside the trusted vendors", () => {
    expect(run(policy, { tool: "x", ...ok }, { now: SAT_10_PARIS }).denial?.rule).toBe("office hours only");
    expect(run(policy, { tool: "x", ...ok }, { now: Date.UTC(2026, 2, 4, 19, 30) }).denial?.rule).toBe(
      "office hours only",
    );
    expect(run(policy, { tool: "x", ...ok }, { now: Date.UTC(2026, 2, 4, 18, 59) }).action).toBe("allow");
    expect(run(policy, { tool: "x", vendor: "PERPLEXITY.ai" }, { now: WED_10_PARIS }).action).toBe("allow");
    expect(run(policy, { tool: "x", vendor: "evil-exa.ai" }, { now: WED_10_PARIS }).denial?.rule).toBe(
      "trusted vendors",
    );
    expect(run(policy, { tool: "x", vendor: null }, { now: WED_10_PARIS }).denial?.code).toBe(
      "condition_failed",
    );
  });
});

describe("policies without a currency", () => {
  it("key budgets per currency and scale limits to each price's decimals (rounding the limit down)", () => {
    const p = compileOk(
      'version: "1"\ntools:\n  "*":\n    rules:\n      - { name: b, spend: { per_call: 0.005, daily: 1 } }\n',
    );
    expect(run(p, { price: price(5000) }).action).toBe("allow");
    expect(run(p, { price: price(5001) }).action).toBe("deny");
    // 0.005 at 2 decimals rounds down to 0: a cents-priced call of 0.01 is over the cap.
    expect(run(p, { price: price(1, "USD", 2) }).action).toBe("deny");
    expect(run(p, { price: price(0, "USD", 2) }).scopes).toEqual([]);
    expect(run(p, { price: price(3, "SAT", 0) }).denial?.limit).toBe("0");
  });

  it("refuses a negative price", () => {
    const p = compileOk(
      'version: "1"\ntools:\n  "*":\n    rules:\n      - { name: b, spend: { daily: 1 } }\n',
    );
    expect(run(p, { price: price(-1) }).denial?.code).toBe("price_unknown");
  });
});

describe("JSON policies", () => {
  it("compile the same as YAML", () => {
    const json = JSON.stringify({
      version: "1",
      tools: {
        generate_image: { rules: [{ name: "image budget", spend: { per_call: 5, daily: "50.00" } }] },
      },
    });
    const r = compilePolicy(json, { format: "json" });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(run(r.policy, { price: price(5_000_001) }).denial?.code).toBe("per_call_limit");
    expect(call().tool).toBe("generate_image");
  });

  it("keep big integers exact", () => {
    const r = compilePolicy(
      '{"version":"1","tools":{"*":{"rules":[{"name":"n","conditions":[{"path":"args.n","op":"lte","value":12345678901234567890123}]}]}}}',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(run(r.policy, { args: { n: "12345678901234567890123" } }).action).toBe("allow");
    expect(run(r.policy, { args: { n: "12345678901234567890124" } }).action).toBe("deny");
  });
});
