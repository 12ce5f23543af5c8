// Every operator and every path, table-driven: each row is a condition, the call it sees, and whether it holds.
import { describe, expect, it } from "vitest";
import { compileOk, price, run } from "./helpers";

type Row = [path: string, op: string, value: unknown, over: Record<string, unknown>, holds: boolean];

const args = (a: unknown) => ({ args: a });
const SAT_NOON = Date.UTC(2026, 2, 7, 12, 0); // Saturday
const rows: Row[] = [
  ["args.branch", "eq", "main", args({ branch: "main" }), true],
  ["args.branch", "eq", "main", args({ branch: "dev" }), false],
  ["args.n", "eq", 5, args({ n: 5 }), true],
  ["args.n", "eq", 5, args({ n: "5" }), true],
  ["args.n", "eq", 5, args({ n: 5.0000001 }), false],
  ["args.n", "eq", "0.3", args({ n: 0.3 }), true],
  ["args.flag", "eq", true, args({ flag: true }), true],
  ["args.flag", "eq", true, args({ flag: "yes" }), false],
  ["args.missing", "eq", "x", args({}), false],
  ["args.branch", "neq", "main", args({ branch: "dev" }), true],
  ["args.branch", "neq", "main", args({ branch: "main" }), false],
  ["args.branch", "neq", "main", args({}), false],
  ["args.cur", "in", ["usd", "eur"], args({ cur: "eur" }), true],
  ["args.cur", "in", ["usd", "eur"], args({ cur: "gbp" }), false],
  ["args.n", "in", [1, 2, 3], args({ n: 2 }), true],
  ["args.cur", "not_in", ["usd", "eur"], args({ cur: "gbp" }), true],
  ["args.cur", "not_in", ["usd", "eur"], args({ cur: "usd" }), false],
  ["args.cur", "not_in", ["usd"], args({}), false],
  ["args.n", "lt", 10, args({ n: 9.999999999999 }), true],
  ["args.n", "lt", 10, args({ n: 10 }), false],
  ["args.n", "lte", 10, args({ n: 10 }), true],
  ["args.n", "lte", "0.3", args({ n: 0.30000000000000004 }), false],
  ["args.n", "gt", 0, args({ n: "0.000000000000000001" }), true],
  ["args.n", "gt", 0, args({ n: 0 }), false],
  ["args.n", "gte", "18446744073709551616", args({ n: "18446744073709551616" }), true],
  ["args.n", "gte", 1, args({ n: "abc" }), false],
  ["args.n", "gte", 1, args({ n: true }), false],
  ["args.ref", "regex", "^feat/", args({ ref: "feat/x" }), true],
  ["args.ref", "regex", "^feat/", args({ ref: "fix/x" }), false],
  ["args.ref", "regex", "(?i)^FEAT/", args({ ref: "feat/x" }), true],
  ["args.ref", "regex", "^feat/", args({ ref: 42 }), false],
  ["args.text", "contains", "test", args({ text: "a test run" }), true],
  ["args.text", "contains", "test", args({ text: "prod" }), false],
  ["args.tags", "contains", "ops", args({ tags: ["dev", "ops"] }), true],
  ["args.tags", "contains", 3, args({ tags: [1, 2, 3] }), true],
  ["args.tags", "contains", "x", args({ tags: ["y"] }), false],
  ["args.a", "exists", true, args({ a: 0 }), true],
  ["args.a", "exists", true, args({ a: null }), false],
  ["args.a", "exists", false, args({}), true],
  ["args.a", "exists", false, args({ a: "" }), false],
  ["args.url", "starts_with", "https://", args({ url: "https://x" }), true],
  ["args.url", "starts_with", "https://", args({ url: "http://x" }), false],
  ["args.items[0].id", "eq", "a", args({ items: [{ id: "a" }] }), true],
  ["args.items.0.id", "eq", "a", args({ items: [{ id: "a" }] }), true],
  ["args.items[1].id", "exists", false, args({ items: [{ id: "a" }] }), true],
  ["args.m[0][1]", "eq", 2, args({ m: [[1, 2]] }), true],
  ["args.meta.key", "eq", "val", args({ meta: { key: "val" } }), true],
  ["args.constructor", "exists", false, args({}), true],
  ["args.toString", "exists", false, args({}), true],
  ["args.length", "exists", false, args("abc"), true],
  ["tool.name", "eq", "generate_image", {}, true],
  ["tool.name", "starts_with", "gen", { tool: "search" }, false],
  ["upstream", "eq", "images", {}, true],
  ["upstream", "exists", false, { upstream: null }, true],
  ["agent.id", "eq", "agent_1", {}, true],
  ["spend.amount", "gt", 10000000, { price: price(10_000_001) }, true],
  ["spend.amount", "gt", 10000000, { price: price(10_000_000) }, false],
  ["spend.currency", "eq", "PATHUSD", { price: price(1, "pathusd") }, true],
  ["spend.value", "eq", "10.5", { price: price(10_500_000) }, true],
  ["spend.value", "lte", 10, { price: price(10_000_001) }, false],
  ["vendor", "regex", "\\.example\\.com$", { vendor: "api.example.com" }, true],
  ["vendor", "exists", false, { vendor: null }, true],
  ["category", "in", ["search", "images"], { category: "images" }, true],
  ["category", "in", ["search"], { category: null }, false],
];

describe("operators and paths", () => {
  it.each(rows)("row %# %s %s", (path, op, value, over, holds) => {
    const policy = compileOk(
      JSON.stringify({
        version: "1",
        tools: { "*": { rules: [{ name: "probe", conditions: [{ path, op, value }] }] } },
      }),
    );
    const d = run(policy, over);
    expect(d.action).toBe(holds ? "allow" : "deny");
    if (!holds) expect(d.denial).toMatchObject({ code: "condition_failed", rule: "probe" });
  });
});

describe("time paths in the policy's time zone", () => {
  const policy = (tz: string, path: string, op: string, value: unknown) =>
    compileOk(
      JSON.stringify({
        version: "1",
        timezone: tz,
        tools: { "*": { rules: [{ name: "t", conditions: [{ path, op, value }] }] } },
      }),
    );
  const at = (now: number, p: ReturnType<typeof policy>) => run(p, {}, { now }).action;

  it("reads hour, minute_of_day and weekday (0 = Sunday, names accepted)", () => {
    expect(at(SAT_NOON, policy("UTC", "time.hour", "eq", 12))).toBe("allow");
    expect(at(SAT_NOON, policy("Asia/Tokyo", "time.hour", "eq", 21))).toBe("allow");
    expect(at(SAT_NOON, policy("America/New_York", "time.minute_of_day", "eq", 7 * 60))).toBe("allow");
    expect(at(SAT_NOON, policy("UTC", "time.weekday", "eq", 6))).toBe("allow");
    expect(at(SAT_NOON, policy("UTC", "time.weekday", "eq", "sat"))).toBe("allow");
    expect(at(SAT_NOON, policy("UTC", "time.weekday", "not_in", ["Saturday", "sun"]))).toBe("deny");
    // 23:30 UTC on Saturday is already Sunday in Tokyo.
    expect(at(Date.UTC(2026, 2, 7, 23, 30), policy("Asia/Tokyo", "time.weekday", "eq", "sun"))).toBe("allow");
  });
});

describe("spend paths before the price is known", () => {
  it("skip in evaluate rules (no deny in phase pre) and do not trigger approvals", () => {
    const p = compileOk(`version: "1"
tools:
  "*":
    rules:
      - name: cheap only
        conditions: [{ path: spend.amount, op: lte, value: 100 }]
      - name: ask
        action: require_approval
        conditions: [{ path: spend.value, op: gt, value: 1 }]
`);
    expect(run(p, { price: null }).action).toBe("allow");
    expect(run(p, { price: price(101) }).action).toBe("deny");
    expect(run(p, { price: price(100) }).action).toBe("allow");
    expect(run(p, { price: price(100, "USD", 2) }).action).toBe("allow");
    expect(run(p, { price: null, tool: "x" }).rules.every((r) => r.passed)).toBe(true);
  });
});
