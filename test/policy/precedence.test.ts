// Which rules apply in which order: exact name, then globs (longest literal prefix first), then "*";
// the first failing rule decides; shadow mode reports instead of refusing.
import { describe, expect, it } from "vitest";
import shadowYaml from "../fixtures/policies/shadow-mode.yaml?raw";
import { compileOk, price, run } from "./helpers";

const layered = compileOk(`version: "1"
default: deny
tools:
  "*":
    rules:
      - { name: "star", conditions: [{ path: args.star, op: neq, value: "no" }] }
  "github__*":
    rules:
      - { name: "github glob", conditions: [{ path: args.g, op: neq, value: "no" }] }
  "github__create_*":
    rules:
      - { name: "github create glob", conditions: [{ path: args.gc, op: neq, value: "no" }] }
  github__create_issue:
    rules:
      - { name: "exact", conditions: [{ path: args.e, op: neq, value: "no" }] }
`);

describe("rule order", () => {
  it("runs exact, then the more specific glob, then the broader glob, then *", () => {
    const all = { e: "ok", gc: "ok", g: "ok", star: "ok" };
    const d = run(layered, { tool: "github__create_issue", args: all });
    expect(d.rules.map((r) => r.name)).toEqual(["exact", "github create glob", "github glob", "star"]);
    const failing = (key: string) =>
      run(layered, { tool: "github__create_issue", args: { ...all, [key]: "no" } }).denial?.rule;
    expect(failing("e")).toBe("exact");
    expect(failing("gc")).toBe("github create glob");
    expect(failing("g")).toBe("github glob");
    expect(failing("star")).toBe("star");
  });

  it("stops at the first failing rule", () => {
    const d = run(layered, {
      tool: "github__create_issue",
      args: { e: "no", gc: "no", g: "no", star: "no" },
    });
    expect(d.rules).toHaveLength(1);
  });

  it("lets a glob list a tool under default: deny, but not *", () => {
    expect(run(layered, { tool: "github__list_repos", args: { g: "ok", star: "ok" } }).action).toBe("allow");
    expect(run(layered, { tool: "gitlab__list", args: { star: "ok" } }).denial?.code).toBe(
      "tool_not_allowed",
    );
  });

  it("globs also work in hide", () => {
    const p = compileOk('version: "1"\nhide: ["admin_*", "drop?"]\n');
    expect(run(p, { tool: "admin_users" }).denial?.code).toBe("tool_hidden");
    expect(run(p, { tool: "drops" }).denial?.code).toBe("tool_hidden");
    expect(run(p, { tool: "dropped" }).action).toBe("allow");
  });

  it("never lets a tool named like an Object.prototype member pick up rules", () => {
    const p = compileOk('version: "1"\ndefault: deny\ntools:\n  a:\n    rules: []\n');
    for (const tool of ["constructor", "toString", "hasOwnProperty", "__proto__"]) {
      expect(run(p, { tool }).denial?.code).toBe("tool_not_allowed");
    }
  });
});

describe("shadow mode", () => {
  const policy = compileOk(shadowYaml);

  it("allows what enforce mode would refuse, says so, and still returns the spend lines", () => {
    const d = run(policy, { price: price(7_000_000) });
    expect(d).toMatchObject({ action: "allow", shadow: true, wouldHave: "deny" });
    expect(d.denial).toMatchObject({ code: "per_call_limit", rule: "image budget" });
    const deny = run(policy, { tool: "drop_database" });
    expect(deny).toMatchObject({ action: "allow", shadow: true, wouldHave: "deny" });
  });

  it("keeps counting: the daily line is returned even for an over-cap call", () => {
    const ok = run(policy, { price: price(1_000_000) });
    expect(ok).toMatchObject({ action: "allow", shadow: false, wouldHave: null, denial: null });
    expect(ok.scopes).toEqual([expect.objectContaining({ limit: "50000000", amount: "1000000" })]);
  });

  it("turns require_approval into allow with wouldHave require_approval", () => {
    const p = compileOk(
      'version: "1"\nmode: shadow\ntools:\n  t:\n    rules:\n      - { name: ask, action: require_approval }\n',
    );
    const d = run(p, { tool: "t" });
    expect(d).toMatchObject({
      action: "allow",
      shadow: true,
      wouldHave: "require_approval",
      approvalTimeoutMs: null,
    });
  });
});

describe("idempotency window", () => {
  it("is the longest idempotency_window among the rules that apply", () => {
    const p = compileOk(`version: "1"
tools:
  t:
    rules:
      - { name: a, spend: { daily: 1 }, idempotency_window: "5m" }
  "*":
    rules:
      - { name: b, spend: { daily: 1 }, idempotency_window: "90s" }
`);
    expect(run(p, { tool: "t" }).idempotencyWindowMs).toBe(300_000);
    expect(run(p, { tool: "u" }).idempotencyWindowMs).toBe(90_000);
  });
});
