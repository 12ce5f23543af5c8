// Intercept-format policies mean what Intercept documents: hide, default deny, rate_limit, state with
// increment_from, deny, require_approval + approval_timeout, "*" counters in the _global scope.
import { describe, expect, it } from "vitest";
import { compilePolicy, hiddenTools, isToolVisible } from "../../src/policy";
import features from "../fixtures/policies/intercept-features.yaml?raw";
import { compileOk, run } from "./helpers";

const policy = compileOk(features);
const globalLine = {
  key: "p:_global:state:calls_per_minute:minute",
  window: "minute",
  limit: "60",
  amount: "1",
  unit: "count/0",
  kind: "count",
};

describe("hide", () => {
  it("strips hidden tools from tools/list and refuses calls to them", () => {
    expect(hiddenTools(policy)).toEqual({
      all: false,
      names: ["delete_repository", "list_webhooks"],
      patterns: [],
    });
    expect(isToolVisible(policy, "delete_repository")).toBe(false);
    expect(isToolVisible(policy, "create_issue")).toBe(true);
    const d = run(policy, { tool: "delete_repository" });
    expect(d.denial).toMatchObject({
      code: "tool_hidden",
      message: 'Tool "delete_repository" is hidden by policy',
    });
  });

  it('"*" hides everything', () => {
    const all = compileOk('version: "1"\nhide: ["*"]\n');
    expect(hiddenTools(all).all).toBe(true);
    expect(isToolVisible(all, "anything")).toBe(false);
    expect(run(all, { tool: "anything" }).denial?.code).toBe("tool_hidden");
  });
});

describe("default: deny", () => {
  it("refuses unlisted tools before any rule, even with a * entry", () => {
    const d = run(policy, { tool: "send_email" });
    expect(d.action).toBe("deny");
    expect(d.denial).toMatchObject({
      code: "tool_not_allowed",
      rule: "(default deny)",
      message: 'Tool "send_email" is not permitted by policy',
    });
    expect(d.rules).toHaveLength(1);
  });

  it("allows a tool listed with rules: [] (wildcard rules still apply)", () => {
    const d = run(policy, { tool: "read_file" });
    expect(d.action).toBe("allow");
    expect(d.scopes).toEqual([expect.objectContaining(globalLine)]);
  });
});

describe("rate_limit shorthand", () => {
  it("becomes a count line on the _rate_hour counter with limit 5 and amount 1", () => {
    const d = run(policy, { tool: "create_issue" });
    expect(d.action).toBe("allow");
    expect(d.scopes).toEqual([
      {
        key: "p:create_issue:state:_rate_hour:hour",
        label: expect.any(String),
        window: "hour",
        timeZone: "UTC",
        limit: "5",
        amount: "1",
        unit: "calls",
        kind: "count",
        // The rule's on_deny travels with the line, so a ledger refusal shows it to the agent.
        message: "Hourly limit of 5 new issues reached",
      },
      expect.objectContaining(globalLine),
    ]);
  });

  it("cannot be combined with conditions, state or deny, and needs N/window", () => {
    const bad = compilePolicy(`version: "1"
tools:
  t:
    rules:
      - name: a
        rate_limit: 5/hour
        conditions: [{ path: args.x, op: eq, value: 1 }]
      - name: b
        action: deny
        rate_limit: 1/minute
      - name: c
        rate_limit: 5/fortnight
`);
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors.map((e) => e.path)).toEqual([
      "tools.t.rules[0].rate_limit",
      "tools.t.rules[1].rate_limit",
      "tools.t.rules[2].rate_limit",
    ]);
    expect(bad.errors[2]?.message).toContain("5/fortnight");
  });
});

describe("state with increment_from", () => {
  // increment_from counters keep 6 fractional digits, so "lt 1000000" is 999999.999999 in counter units:
  // for whole-number amounts that is exactly Intercept's "lt N means N-1".
  it("counts args.amount against lt 1000000 (strictly below one million)", () => {
    const d = run(policy, { tool: "create_charge", args: { amount: 5000, currency: "usd" } });
    expect(d.action).toBe("allow");
    expect(d.scopes[0]).toEqual({
      key: "p:create_charge:state:daily_spend:day",
      label: expect.any(String),
      window: "day",
      timeZone: "UTC",
      limit: "999999999999",
      amount: "5000000000",
      unit: "count/6",
      kind: "count",
      message: "Daily spending cap of $10,000.00 reached",
    });
  });

  it("keeps fractional increments exactly (Intercept would add 0 for 0.5)", () => {
    const d = run(policy, { tool: "create_charge", args: { amount: 0.5, currency: "eur" } });
    expect(d.scopes[0]?.amount).toBe("500000");
    expect(
      run(policy, { tool: "create_charge", args: { amount: "12.345678", currency: "eur" } }).scopes[0]
        ?.amount,
    ).toBe("12345678");
  });

  it("refuses negative, missing and non-numeric increments instead of loosening the cap", () => {
    for (const amount of [-5, "-1", "abc", true, null, { n: 1 }]) {
      const d = run(policy, { tool: "create_charge", args: { amount, currency: "usd" } });
      expect(d.action).toBe("deny");
      expect(["invalid_increment", "condition_failed"]).toContain(d.denial?.code);
    }
    const missing = compileOk(`version: "1"
tools:
  pay:
    rules:
      - name: cap
        conditions: [{ path: state.pay.total, op: lte, value: 100 }]
        state: { counter: total, window: day, increment_from: args.amount }
`);
    expect(run(missing, { tool: "pay", args: {} }).denial?.code).toBe("invalid_increment");
    expect(run(missing, { tool: "pay", args: { amount: -1 } }).denial).toMatchObject({
      code: "invalid_increment",
      message: expect.stringContaining("negative"),
    });
  });

  it("evaluates the rule's other conditions first (first failing rule decides)", () => {
    const d = run(policy, { tool: "create_charge", args: { amount: 60000, currency: "usd" } });
    expect(d.denial).toMatchObject({
      code: "condition_failed",
      rule: "max single charge",
      message: "Single charge cannot exceed $500.00",
    });
    const cur = run(policy, { tool: "create_charge", args: { amount: 100, currency: "gbp" } });
    expect(cur.denial?.message).toBe("Only USD and EUR charges are permitted");
  });
});

describe("deny and require_approval", () => {
  it("deny refuses every call with its on_deny message", () => {
    const d = run(policy, { tool: "delete_customer" });
    expect(d.denial).toEqual({
      code: "rule_denied",
      rule: "block destructive action",
      source: "policy",
      message: "Customer deletion is not permitted via AI agents",
    });
  });

  it("require_approval holds matching calls with its approval_timeout, passes others and approved ones", () => {
    const held = run(policy, { tool: "merge_pull_request", args: { base: "main" } });
    expect(held.action).toBe("require_approval");
    expect(held.approvalTimeoutMs).toBe(2 * 3_600_000);
    expect(held.denial).toMatchObject({
      code: "approval_required",
      message: "Merging into main needs approval",
    });
    expect(held.scopes).toEqual([expect.objectContaining(globalLine)]);
    expect(run(policy, { tool: "merge_pull_request", args: { base: "dev" } }).action).toBe("allow");
    const approved = run(policy, { tool: "merge_pull_request", args: { base: "main" } }, { approved: true });
    expect(approved.action).toBe("allow");
    expect(approved.approvalTimeoutMs).toBeNull();
  });

  it("any deny beats require_approval, and approval does not lift denies", () => {
    const p = compileOk(`version: "1"
tools:
  t:
    rules:
      - name: ask
        action: require_approval
      - name: no
        action: deny
`);
    expect(run(p, { tool: "t" }).action).toBe("deny");
    expect(run(p, { tool: "t" }, { approved: true }).action).toBe("deny");
  });
});

describe("counters referenced from another rule", () => {
  it("check the counter with amount 0 and merge with the owner's line (lowest limit wins)", () => {
    const p = compileOk(`version: "1"
tools:
  t:
    rules:
      - name: count
        conditions: [{ path: state.t.n, op: lte, value: 10 }]
        state: { counter: n, window: hour }
      - name: tighter view
        conditions: [{ path: state.t.n, op: lt, value: 5 }]
  u:
    rules:
      - name: peek
        conditions: [{ path: state.t.n, op: lte, value: 7 }]
`);
    expect(run(p, { tool: "t" }).scopes).toEqual([
      expect.objectContaining({ key: "p:t:state:n:hour", limit: "4", amount: "1" }),
    ]);
    expect(run(p, { tool: "u" }).scopes).toEqual([
      expect.objectContaining({ key: "p:t:state:n:hour", limit: "7", amount: "0" }),
    ]);
  });

  it("a state condition without a state block, or with another operator, does not compile", () => {
    const r = compilePolicy(`version: "1"
tools:
  t:
    rules:
      - name: a
        conditions: [{ path: state.t.nope, op: lte, value: 1 }]
      - name: b
        conditions: [{ path: state.t.n, op: gte, value: 1 }]
        state: { counter: n, window: day }
`);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.message)).toEqual([
      expect.stringContaining("no matching state block"),
      expect.stringContaining("lt or lte"),
    ]);
  });

  it("duplicate counters in one tool are an error, as in Intercept", () => {
    const r = compilePolicy(`version: "1"
tools:
  t:
    rules:
      - { name: a, rate_limit: 5/hour }
      - { name: b, rate_limit: 9/hour }
`);
    expect(r.ok).toBe(false);
  });
});
