// Regex conditions mean what they mean in Intercept (Go's RE2): anchors, Unicode classes, POSIX
// classes and inline flags; no backreferences; linear-time matching; an input cap that fails closed.
import { describe, expect, it } from "vitest";
import { compilePolicy } from "../../src/policy";
import { MAX_REGEX_INPUT_CHARS, matchRegex } from "../../src/policy/regex";
import { compileOk, run } from "./helpers";

const policyWith = (pattern: string) => `version: "1"
tools:
  deploy:
    rules:
      - name: "safe target"
        conditions:
          - path: "args.target"
            op: "regex"
            value: ${JSON.stringify(pattern)}
`;

const holds = (pattern: string, target: unknown) =>
  run(compileOk(policyWith(pattern)), { tool: "deploy", args: { target } }).action === "allow";

describe("RE2 semantics", () => {
  it("reads \\z as end of text, so nothing can follow the anchored part", () => {
    expect(holds("^[a-z0-9-]+\\z", "deploy-1")).toBe(true);
    expect(holds("^[a-z0-9-]+\\z", "deployz; rm -rf /")).toBe(false);
    expect(holds("^[a-z0-9-]+\\z", "deploy-1\n")).toBe(false);
    expect(holds("^[a-z0-9-]+$", "deploy-1\nrm -rf /")).toBe(false);
  });

  it("reads \\A as start of text", () => {
    expect(holds("\\Aprod-", "prod-eu")).toBe(true);
    expect(holds("\\Aprod-", "x prod-eu")).toBe(false);
  });

  it("knows Unicode classes (\\pL) and POSIX classes ([[:digit:]])", () => {
    expect(holds("^\\pL+$", "Zürich")).toBe(true);
    expect(holds("^\\pL+$", "Zürich1")).toBe(false);
    expect(holds("^[[:digit:]]+$", "2026")).toBe(true);
    expect(holds("^[[:digit:]]+$", "20x6")).toBe(false);
  });

  it("takes inline flags anywhere, as RE2 does", () => {
    expect(holds("(?i)^PROD-", "prod-eu")).toBe(true);
    expect(holds("^prod-(?i:EU)$", "prod-eu")).toBe(true);
    expect(holds("^PROD-(?i:EU)$", "prod-eu")).toBe(false);
    expect(holds("(?s)^a.b$", "a\nb")).toBe(true);
  });

  it("searches unanchored, as Go's regexp.MatchString", () => {
    expect(holds("prod", "eu-prod-1")).toBe(true);
  });

  it("refuses a backreference when the policy compiles, at its line", () => {
    const r = compilePolicy(policyWith("(a)\\1"));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toMatchObject({ path: "tools.deploy.rules[0].conditions[0].value", line: 9 });
    expect(r.errors[0]?.message).toContain("backreference");
  });

  it("compiles a pathological pattern like (a+)+$ and matches a long input in linear time", () => {
    const p = compileOk(policyWith("^(a+)+$"));
    const input = `${"a".repeat(MAX_REGEX_INPUT_CHARS - 1)}!`;
    const t0 = performance.now();
    const d = run(p, { tool: "deploy", args: { target: input } });
    expect(d.action).toBe("deny");
    expect(d.denial?.code).toBe("condition_failed");
    // Backtracking would take longer than the age of the universe; RE2 takes milliseconds.
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(holds("^(a+)+$", "aaaa")).toBe(true);
  });
});

describe("the regex input cap", () => {
  const long = "a".repeat(MAX_REGEX_INPUT_CHARS + 1);

  it("refuses an over-long value in a condition that must hold, and says why", () => {
    const d = run(compileOk(policyWith("^a+$")), { tool: "deploy", args: { target: long } });
    expect(d.action).toBe("deny");
    expect(d.denial?.code).toBe("condition_failed");
    expect(d.denial?.message).toContain(`over the ${MAX_REGEX_INPUT_CHARS}`);
    expect(d.denial?.message).toContain("args.target");
  });

  it("matches a value exactly at the cap", () => {
    expect(holds("^a+$", "a".repeat(MAX_REGEX_INPUT_CHARS))).toBe(true);
  });

  it("refuses (never waves through) an over-long value in a require_approval trigger", () => {
    const p = compileOk(`version: "1"
tools:
  deploy:
    rules:
      - name: "prod needs a human"
        action: require_approval
        conditions:
          - { path: args.target, op: regex, value: "^prod" }
`);
    expect(run(p, { tool: "deploy", args: { target: "dev-1" } }).action).toBe("allow");
    expect(run(p, { tool: "deploy", args: { target: "prod-1" } }).action).toBe("require_approval");
    const d = run(p, { tool: "deploy", args: { target: `dev${long}` } });
    expect(d.action).toBe("deny");
    expect(d.denial).toMatchObject({ code: "condition_failed", rule: "prod needs a human" });
    // Even with a human approval: the rule cannot read the value, so nobody approved what it checks.
    expect(run(p, { tool: "deploy", args: { target: `dev${long}` } }, { approved: true }).action).toBe(
      "deny",
    );
  });

  it("does not let an over-long value turn a per-call cap into an approval escalation", () => {
    const p = compileOk(`version: "1"
tools:
  deploy:
    rules:
      - name: "cap"
        spend: { per_call: 1 }
      - name: "prod may go over with a human"
        action: require_approval
        conditions:
          - { path: args.target, op: regex, value: "^prod" }
`);
    const over = { amount: 2_000_000n, currency: "pathUSD", decimals: 6 };
    expect(run(p, { tool: "deploy", args: { target: "prod" }, price: over }).action).toBe("require_approval");
    const d = run(p, { tool: "deploy", args: { target: `prod${long}` }, price: over });
    expect(d.action).toBe("deny");
  });

  it("still lets a false condition in the same trigger settle it (no approval needed)", () => {
    const p = compileOk(`version: "1"
tools:
  deploy:
    rules:
      - name: "big prod deploys need a human"
        action: require_approval
        conditions:
          - { path: args.region, op: eq, value: "eu" }
          - { path: args.target, op: regex, value: "^prod" }
`);
    expect(run(p, { tool: "deploy", args: { region: "us", target: long } }).action).toBe("allow");
  });
});

describe("policies compiled before RE2", () => {
  it("put stored JS flags back in front of the pattern as RE2 inline flags", () => {
    const p = compileOk(policyWith("^PROD-"));
    const rule = p.exact.deploy?.[0];
    const cond = rule?.conditions[0];
    if (!rule || !cond) throw new Error("no condition");
    const legacy = { ...p, exact: { deploy: [{ ...rule, conditions: [{ ...cond, flags: "i" }] }] } };
    expect(run(legacy, { tool: "deploy", args: { target: "prod-eu" } }).action).toBe("allow");
  });
});

describe("remembered match results", () => {
  it("never answer for another pattern, flag set or value, however alike", () => {
    const pairs: [string, string, string, boolean][] = [
      ["^a$", "", "a", true],
      ["^a$", "", "a\u0000", false],
      ["^A$", "", "a", false],
      ["^A$", "i", "a", true],
      ["(?i)^A$", "", "a", true],
      ["a\u0000b", "", "c", false],
      ["a", "", "b\u0000c", false],
    ];
    // Twice over: the second pass is answered from memory and must agree with the first.
    for (let pass = 0; pass < 2; pass++) {
      for (const [source, flags, input, expected] of pairs) {
        expect(matchRegex(source, flags, input)).toEqual({ ok: true, matched: expected });
      }
    }
  });
});
