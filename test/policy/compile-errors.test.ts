// compilePolicy reports every error with a line, a column and a document path: YAML syntax, schema
// (unknown keys, wrong types) and semantics (regexes, money, currencies, durations, counters).
import { describe, expect, it } from "vitest";
import { compilePolicy, type PolicyError } from "../../src/policy";

function errors(source: string, format?: "yaml" | "json"): PolicyError[] {
  const r = compilePolicy(source, format ? { format } : {});
  if (r.ok) throw new Error("expected compile errors");
  return r.errors;
}

const rule = (body: string) => `version: "1"
tools:
  generate_image:
    rules:
      - name: "r"
${body}`;

describe("syntax errors", () => {
  it("points at broken YAML", () => {
    const [e] = errors('version: "1"\ntools:\n  a:\n    rules: [\n');
    expect(e?.line).toBeGreaterThanOrEqual(4);
    expect(e?.column).not.toBeNull();
  });

  it("points at duplicate keys", () => {
    const [e] = errors('version: "1"\nversion: "1"\n');
    expect(e).toMatchObject({ line: 2, column: 1 });
  });

  it("points at broken JSON", () => {
    const [e] = errors('{\n  "version": "1",\n  "tools": {,}\n}', "json");
    expect(e?.line).toBe(3);
    expect(e?.column).not.toBeNull();
  });

  it("rejects aliases and __proto__ keys", () => {
    expect(errors('version: "1"\nx: &a 1\ndescription: *a\n')[0]?.message).toMatch(/unknown key|alias/);
    expect(errors('version: "1"\ntools:\n  __proto__:\n    rules: []\n')[0]).toMatchObject({
      line: 3,
      column: 3,
      message: expect.stringContaining("reserved"),
    });
  });
});

describe("schema errors", () => {
  it("names unknown keys at the key", () => {
    expect(errors(rule("        spend:\n          daily: 5\n          yearly: 9\n"))).toEqual([
      {
        line: 8,
        column: 11,
        path: "tools.generate_image.rules[0].spend.yearly",
        message: 'unknown key "yearly"',
      },
    ]);
    expect(errors('version: "1"\nfoo: 1\n')[0]).toMatchObject({ line: 2, column: 1, path: "foo" });
  });

  it('requires version "1" and rule names, and checks enums', () => {
    expect(errors("tools: {}\n")[0]?.path).toBe("version");
    expect(errors('version: "2"\n')[0]).toMatchObject({ path: "version", line: 1, column: 10 });
    const e = errors('version: "1"\ndefault: maybe\ntools:\n  t:\n    rules:\n      - action: deny\n');
    expect(e.map((x) => x.path)).toEqual(["default", "tools.t.rules[0].name"]);
    expect(e[0]).toMatchObject({ line: 2, column: 10 });
  });

  it("reports wrong types at the value", () => {
    expect(errors(rule("        spend:\n          daily: [5]\n"))[0]).toMatchObject({
      path: "tools.generate_image.rules[0].spend.daily",
      line: 7,
      column: 18,
    });
  });
});

describe("semantic errors", () => {
  const one = (body: string) => errors(rule(body))[0];

  it("refuses negative money and too many decimals for the policy currency", () => {
    expect(one("        spend:\n          daily: -5\n")).toMatchObject({
      path: "tools.generate_image.rules[0].spend.daily",
      line: 7,
      column: 18,
      message: expect.stringContaining("negative"),
    });
    const e = errors(
      'version: "1"\ncurrency: usd\ntools:\n  t:\n    rules:\n      - name: r\n        spend: { per_call: 0.001 }\n',
    );
    expect(e[0]).toMatchObject({
      path: "tools.t.rules[0].spend.per_call",
      line: 7,
      message: expect.stringContaining("USD (2)"),
    });
    expect(one("        spend:\n          per_call: 5.00.0\n")?.message).toContain("not a decimal");
  });

  it("refuses unknown currencies, time zones and bad conversion rates", () => {
    expect(errors('version: "1"\ncurrency: DOGEBUCK\n')[0]).toMatchObject({
      path: "currency",
      line: 2,
      column: 11,
    });
    expect(errors('version: "1"\ntimezone: Mars/Olympus\n')[0]).toMatchObject({ path: "timezone", line: 2 });
    const e = errors(
      'version: "1"\nconversions:\n  - { from: USDC, to: USD, rate: "-1" }\n  - { from: USDC, to: XYZ, rate: 1 }\n',
    );
    expect(e.map((x) => [x.path, x.line])).toEqual([
      ["conversions[0].rate", 3],
      ["conversions[1].to", 4],
    ]);
  });

  it("refuses regexes RE2 cannot compile (backreferences, lookaround, \\Z) and over-long ones", () => {
    const re = (v: string) =>
      one(`        conditions:\n          - { path: args.q, op: regex, value: ${JSON.stringify(v)} }\n`);
    expect(re("(a)\\1")?.message).toContain("backreference");
    expect(re("^(?=admin)")?.message).toContain("lookahead");
    expect(re("deploy\\Z")?.message).toContain("invalid escape");
    expect(re("x".repeat(257))?.message).toContain("256");
    expect(re("([a-z")?.message).toContain("invalid regex");
    expect(re("([a-z")).toMatchObject({ path: "tools.generate_image.rules[0].conditions[0].value", line: 7 });
  });

  it("checks operator values, paths and durations", () => {
    const cond = (c: string) => one(`        conditions:\n          - ${c}\n`);
    expect(cond("{ path: args.x, op: in, value: 3 }")?.message).toContain("list");
    expect(cond("{ path: args.x, op: lt, value: ten }")?.message).toContain("numeric");
    expect(cond("{ path: args.x, op: exists, value: yes }")?.message).toContain("true or false");
    expect(cond("{ path: args.x, op: between, value: 1 }")?.path).toBe(
      "tools.generate_image.rules[0].conditions[0].op",
    );
    expect(cond("{ path: env.HOME, op: eq, value: 1 }")?.message).toContain("unknown path");
    expect(cond("{ path: time.weekday, op: eq, value: funday }")?.message).toContain("weekday");
    expect(cond("{ path: args.x, op: eq }")?.message).toContain('"value" is required');
    const dur = errors(rule('        action: require_approval\n        approval_timeout: "soon"\n'))[0];
    expect(dur).toMatchObject({
      path: "tools.generate_image.rules[0].approval_timeout",
      line: 7,
      column: 27,
    });
  });

  it("checks rule shapes as Intercept does", () => {
    expect(
      one("        action: deny\n        conditions: [{ path: args.x, op: eq, value: 1 }]\n")?.message,
    ).toContain("deny rules must not have conditions");
    expect(one("        on_deny: nothing to check\n")?.message).toContain("at least one condition");
    expect(one("        action: require_approval\n        spend: { daily: 5 }\n")?.message).toContain(
      "cannot have spend",
    );
    expect(one('        approval_timeout: "30m"\n        spend: { daily: 5 }\n')?.message).toContain(
      "only applies",
    );
  });

  it("collects several errors in one pass", () => {
    const e = errors(`version: "1"
currency: NOPE
tools:
  a:
    rules:
      - name: x
        spend: { daily: -1 }
      - name: y
        conditions: [{ path: args.q, op: regex, value: "(a)\\\\1" }]
`);
    expect(e.map((x) => x.line)).toEqual([2, 7, 9]);
  });
});
