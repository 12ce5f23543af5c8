// Property tests: evaluate() is deterministic and never throws, whatever the args, tool names or prices.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compilePolicy, DecisionSchema, evaluate } from "../../src/policy";
import features from "../fixtures/policies/intercept-features.yaml?raw";
import research from "../fixtures/policies/research-report-approval.yaml?raw";
import ext from "../fixtures/policies/tollgate-extensions.yaml?raw";
import { call, compileOk } from "./helpers";

const policies = [compileOk(features), compileOk(ext), compileOk(research)];
const toolNames = fc.oneof(
  fc.string(),
  fc.constantFrom(
    "create_charge",
    "create_issue",
    "search__web",
    "research_report",
    "constructor",
    "__proto__",
    "*",
    "",
  ),
);
const priceArb = fc.option(
  fc.record({
    amount: fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
    currency: fc.constantFrom("USD", "pathUSD", "USDC", "EUR", "XYZ", ""),
    decimals: fc.integer({ min: 0, max: 30 }),
  }),
);
const argsArb = fc.oneof(
  fc.jsonValue(),
  fc.record({
    amount: fc.oneof(fc.double(), fc.string(), fc.integer(), fc.constant(null)),
    currency: fc.string(),
    base: fc.string(),
  }),
);
const inputArb = fc.record({
  policy: fc.constantFrom(...policies),
  tool: toolNames,
  args: argsArb,
  price: priceArb,
  vendor: fc.option(fc.string()),
  now: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  approved: fc.boolean(),
});

describe("evaluate properties", () => {
  it("never throws and always returns a well-formed Decision", () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        const d = evaluate({
          policy: i.policy,
          mandate: null,
          call: call({ tool: i.tool, args: i.args, price: i.price, vendor: i.vendor }),
          now: i.now,
          approved: i.approved,
        });
        expect(DecisionSchema.safeParse(d).success).toBe(true);
        expect(d.denial?.code).not.toBe("policy_error");
        if (d.action === "deny") expect(d.scopes).toEqual([]);
        for (const s of d.scopes) {
          expect(s.amount).toMatch(/^\d+$/);
          expect(s.limit).toMatch(/^\d+$/);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("is deterministic: the same input gives the same decision", () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        const input = {
          policy: i.policy,
          mandate: null,
          call: call({ tool: i.tool, args: i.args, price: i.price }),
          now: i.now,
        };
        expect(evaluate(input)).toEqual(evaluate(structuredClone(input)));
      }),
      { numRuns: 300 },
    );
  });

  it("compilePolicy never throws on arbitrary text and returns errors or a JSON-safe policy", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.constantFrom(features, ext).map((s) => s.slice(0, s.length / 2)),
        ),
        (src) => {
          const r = compilePolicy(src);
          if (r.ok) expect(JSON.parse(JSON.stringify(r.policy))).toEqual(r.policy);
          else expect(r.errors.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
