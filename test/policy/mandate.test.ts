// Agent mandates judged with the policy: the strictest side wins, an inactive mandate refuses everything,
// budgets become per-agent ledger lines.
import { describe, expect, it } from "vitest";
import { evaluate, type Mandate, type MandateInput, MandateSchema } from "../../src/policy";
import imageBudget from "../fixtures/policies/image-budget.yaml?raw";
import shadowYaml from "../fixtures/policies/shadow-mode.yaml?raw";
import { call, compileOk, NOW, price } from "./helpers";

function mandate(over: Partial<MandateInput> = {}): Mandate {
  return MandateSchema.parse({
    agentId: "agent_1",
    active: true,
    currency: "USD",
    decimals: 2,
    budgets: {},
    ...over,
  });
}

const judge = (
  m: Mandate,
  over: Parameters<typeof call>[0] = {},
  extra: { now?: number; approved?: boolean } = {},
) =>
  evaluate({
    policy: null,
    mandate: m,
    call: call(over),
    now: extra.now ?? NOW,
    conversions: [{ from: "PATHUSD", to: "USD", rate: "1" }],
    approved: extra.approved ?? false,
  });

describe("mandate schema", () => {
  it("defaults the time zone to UTC and refuses non-digit budgets", () => {
    expect(mandate().timeZone).toBe("UTC");
    expect(
      MandateSchema.safeParse({
        agentId: "a",
        active: true,
        currency: "USD",
        decimals: 2,
        budgets: { daily: "5.00" },
      }).success,
    ).toBe(false);
    expect(
      MandateSchema.safeParse({
        agentId: "a",
        active: true,
        currency: "USD",
        decimals: 2,
        budgets: {},
        timeZone: "Nowhere/City",
      }).success,
    ).toBe(false);
  });
});

describe("mandate rules", () => {
  it("an inactive mandate refuses everything", () => {
    const d = judge(mandate({ active: false }));
    expect(d.denial).toMatchObject({ code: "mandate_inactive", source: "mandate" });
  });

  it("vendor deny and allow lists match exact hosts and subdomains", () => {
    const m = mandate({ vendorDeny: ["evil.com"], vendorAllow: ["example.com"] });
    expect(judge(m, { vendor: "api.example.com" }).action).toBe("allow");
    expect(judge(m, { vendor: "sub.evil.com" }).denial?.code).toBe("vendor_denied");
    expect(judge(m, { vendor: "notexample.com" }).denial?.code).toBe("vendor_not_allowed");
    expect(judge(m, { vendor: null }).denial?.code).toBe("vendor_not_allowed");
  });

  it("categories are an allowlist", () => {
    const m = mandate({ categories: ["search"] });
    expect(judge(m, { category: "Search" }).action).toBe("allow");
    expect(judge(m, { category: "images" }).denial?.code).toBe("category_not_allowed");
  });

  it("time windows in the mandate's time zone, including overnight windows", () => {
    const m = mandate({
      timeZone: "America/New_York",
      timeWindows: [{ days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" }],
    });
    expect(judge(m, {}, { now: Date.UTC(2026, 2, 4, 14, 0) }).action).toBe("allow"); // Wed 09:00 NY
    expect(judge(m, {}, { now: Date.UTC(2026, 2, 4, 13, 59) }).denial?.code).toBe("outside_time_window");
    const night = mandate({ timeWindows: [{ days: [5], start: "22:00", end: "02:00" }] });
    expect(judge(night, {}, { now: Date.UTC(2026, 2, 6, 23, 0) }).action).toBe("allow"); // Fri 23:00
    expect(judge(night, {}, { now: Date.UTC(2026, 2, 7, 1, 0) }).action).toBe("allow"); // Sat 01:00
    expect(judge(night, {}, { now: Date.UTC(2026, 2, 7, 23, 0) }).action).toBe("deny"); // Sat 23:00
  });

  it("rate limits become per-agent count lines, also before the price", () => {
    const m = mandate({
      rateLimits: [
        { count: 10, window: "minute" },
        { count: 3, window: "minute" },
        { count: 100, window: "day" },
      ],
    });
    expect(judge(m).scopes).toEqual([
      expect.objectContaining({
        key: "a:agent_1:rate:minute",
        limit: "3",
        amount: "1",
        kind: "count",
        unit: "calls",
      }),
      expect.objectContaining({ key: "a:agent_1:rate:day", limit: "100", amount: "1" }),
    ]);
  });

  it("per-transaction limit, approval threshold and budgets in the mandate currency", () => {
    const m = mandate({
      perTransactionLimit: "1000",
      approvalThreshold: "500",
      budgets: { daily: "5000", total: "100000" },
    });
    const small = judge(m, { price: price(4_990_000) }); // 4.99 pathUSD = 499 cents
    expect(small.action).toBe("allow");
    expect(small.scopes).toEqual([
      expect.objectContaining({
        key: "a:agent_1:budget:daily:USD/2",
        window: "day",
        limit: "5000",
        amount: "499",
        kind: "money",
      }),
      expect.objectContaining({
        key: "a:agent_1:budget:total:USD/2",
        window: "total",
        limit: "100000",
        amount: "499",
      }),
    ]);
    // 5.000001 rounds up to 501 cents: over the approval threshold.
    const mid = judge(m, { price: price(5_000_001) });
    expect(mid).toMatchObject({ action: "require_approval", approvalTimeoutMs: 1_800_000 });
    expect(mid.denial).toMatchObject({ code: "approval_required", source: "mandate", limit: "500" });
    expect(judge(m, { price: price(5_000_001) }, { approved: true }).action).toBe("allow");
    expect(judge(m, { price: price(10_000_001) }, { approved: true }).denial).toMatchObject({
      code: "per_call_limit",
      limit: "1000",
    });
    expect(judge(m, { price: price(1, "GBP", 2) }).denial?.code).toBe("currency_unconvertible");
  });
});

describe("mandate + policy: strictest wins", () => {
  const policy = compileOk(imageBudget);
  const both = (m: Mandate, amount: number) =>
    evaluate({
      policy,
      mandate: m,
      call: call({ price: price(amount) }),
      now: NOW,
      conversions: [{ from: "PATHUSD", to: "USD", rate: "1" }],
    });

  it("a mandate cap tighter than the policy refuses; a looser one leaves the policy in charge", () => {
    const tight = both(mandate({ perTransactionLimit: "300" }), 4_000_000);
    expect(tight.denial).toMatchObject({ code: "per_call_limit", source: "mandate" });
    const loose = both(mandate({ perTransactionLimit: "100000" }), 6_000_000);
    expect(loose.denial).toMatchObject({ code: "per_call_limit", source: "policy" });
  });

  it("returns policy and mandate lines together, and rule results from both sides", () => {
    const d = both(mandate({ budgets: { daily: "2000" } }), 1_000_000);
    expect(d.scopes.map((s) => s.key)).toEqual([
      "p:generate_image:image budget:spend:daily:PATHUSD/6",
      "a:agent_1:budget:daily:USD/2",
    ]);
    expect(new Set(d.rules.map((r) => r.source))).toEqual(new Set(["policy", "mandate"]));
  });

  it("shadow mode softens only the policy: the mandate still refuses", () => {
    const shadow = compileOk(shadowYaml);
    const d = evaluate({
      policy: shadow,
      mandate: mandate({ active: false }),
      call: call({ price: price(9_000_000) }),
      now: NOW,
    });
    expect(d).toMatchObject({ action: "deny", shadow: false, wouldHave: null });
    expect(d.denial?.source).toBe("mandate");
    const approval = evaluate({
      policy: shadow,
      mandate: mandate({ approvalThreshold: "100" }),
      call: call({ price: price(9_000_000) }),
      now: NOW,
      conversions: [{ from: "PATHUSD", to: "USD", rate: "1" }],
    });
    expect(approval).toMatchObject({ action: "require_approval", shadow: true, wouldHave: "deny" });
  });
});
