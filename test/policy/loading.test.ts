// Loading matches Intercept where its files are legal: empty tool entries and empty `rules:`, every
// error of a file in one pass, and a useful denial when `on_deny` is empty.
import { describe, expect, it } from "vitest";
import { compilePolicy, type PolicyError } from "../../src/policy";
import { compileOk, run } from "./helpers";

function errors(source: string): PolicyError[] {
  const r = compilePolicy(source);
  if (r.ok) throw new Error("expected compile errors");
  return r.errors;
}

describe("empty entries", () => {
  it("a tool key with no body lists the tool (allowed with no rules under default deny)", () => {
    const p = compileOk(`version: "1"
default: deny
tools:
  read_file:
  list_dir:
    rules:
`);
    expect(run(p, { tool: "read_file" }).action).toBe("allow");
    expect(run(p, { tool: "list_dir" }).action).toBe("allow");
    expect(run(p, { tool: "write_file" }).denial?.code).toBe("tool_not_allowed");
  });

  it("an empty glob or '*' entry loads too", () => {
    const p = compileOk(`version: "1"
default: deny
tools:
  "github__*":
  "*":
`);
    expect(run(p, { tool: "github__list" }).action).toBe("allow");
    expect(run(p, { tool: "other" }).action).toBe("deny");
  });
});

describe("every error in one pass", () => {
  it("reports schema and semantic errors of the whole file together, in document order", () => {
    const e = errors(`version: "1"
currency: NOPE
mode: loud
tools:
  a:
    rules:
      - name: x
        bogus: 1
        spend: { daily: -1 }
      - name: y
        action: sometimes
      - name: z
        conditions: [{ path: args.q, op: regex, value: "(a)\\\\1" }]
  b:
    rules: 5
  c:
    rules:
      - name: w
        rate_limit: lots
      - nome: q
`);
    expect(e.map((x) => [x.line, x.path])).toEqual([
      [2, "currency"],
      [3, "mode"],
      [8, "tools.a.rules[0].bogus"],
      [9, "tools.a.rules[0].spend.daily"],
      [11, "tools.a.rules[1].action"],
      [13, "tools.a.rules[2].conditions[0].value"],
      [15, "tools.b.rules"],
      [19, "tools.c.rules[0].rate_limit"],
      [20, "tools.c.rules[1].name"],
      [20, "tools.c.rules[1].nome"],
    ]);
  });

  it("keeps rule indexes after a broken rule, so later errors point at the right rule", () => {
    const e = errors(`version: "1"
tools:
  a:
    rules:
      - name: 7
        spend: [1]
      - name: ok
        spend: { per_call: "five" }
`);
    expect(e.map((x) => x.path)).toEqual([
      "tools.a.rules[0].name",
      "tools.a.rules[0].spend",
      "tools.a.rules[1].spend.per_call",
    ]);
  });

  it("still checks the rest when version is missing", () => {
    const e = errors(`tools:
  a:
    rules:
      - name: x
        spend: { daily: -1 }
`);
    expect(e.map((x) => x.path)).toEqual(["version", "tools.a.rules[0].spend.daily"]);
  });
});

describe("empty on_deny", () => {
  it("falls back to the rule name and what it checks, not an empty denial", () => {
    const p = compileOk(`version: "1"
tools:
  deploy:
    rules:
      - name: "main only"
        conditions: [{ path: args.branch, op: eq, value: main }]
        on_deny: ""
  drop:
    rules:
      - name: "never"
        action: deny
        on_deny: "  "
`);
    const d = run(p, { tool: "deploy", args: { branch: "dev" } });
    expect(d.denial?.message).toContain('"main only"');
    expect(d.denial?.message).toContain("args.branch");
    expect(run(p, { tool: "drop" }).denial?.message).toBe('Rule "never" refuses every call to drop');
  });
});
