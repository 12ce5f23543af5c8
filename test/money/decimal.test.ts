// Exact decimal parsing and formatting: no float ever touches an amount.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareDecimal, formatAmount, parseDecimal, parseExactDecimal, rescale } from "../../src/money";

const ok = (input: string | number, decimals: number) => {
  const r = parseDecimal(input, decimals);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const err = (input: string | number, decimals: number, opts = {}) => {
  const r = parseDecimal(input, decimals, opts);
  return r.ok ? null : r.error;
};

describe("parseDecimal", () => {
  it.each([
    ["5.00", 2, 500n],
    ["5", 6, 5_000_000n],
    [50, 2, 5000n],
    [5.0, 6, 5_000_000n],
    ["0.1", 2, 10n],
    [0.1, 18, 100_000_000_000_000_000n],
    ["5.000", 2, 500n],
    ["1e-2", 2, 1n],
    ["1E+3", 0, 1000n],
    [1e21, 0, 1_000_000_000_000_000_000_000n],
    [1e-7, 7, 1n],
    ["0", 0, 0n],
    ["0.000000000000000001", 18, 1n],
    [
      "123456789012345678901234567890.123456789012345678",
      18,
      123456789012345678901234567890123456789012345678n,
    ],
  ] as const)("%s at %i decimals = %s", (input, decimals, expected) => {
    expect(ok(input, decimals)).toBe(expected);
  });

  it("avoids the float traps: 0.1 + 0.2 is exactly 0.3 in base units", () => {
    expect(ok(0.1, 18) + ok(0.2, 18)).toBe(ok("0.3", 18));
    expect(ok(0.1, 2) + ok(0.2, 2)).toBe(30n);
    // 0.30000000000000004 is what the float sum prints; it is not 0.3 and does not fit 2 decimals.
    expect(err(0.1 + 0.2, 2)).toContain("more than 2 decimal places");
    expect(ok(1.005, 3)).toBe(1005n);
  });

  it("refuses extra non-zero digits, negatives, NaN, Infinity and junk", () => {
    expect(err("5.001", 2)).toContain("more than 2 decimal places");
    expect(err("-1", 2)).toContain("negative");
    expect(parseDecimal("-1.5", 2, { allowNegative: true })).toEqual({ ok: true, value: -150n });
    for (const bad of [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      "",
      " 5",
      "5 ",
      "+5",
      ".5",
      "5.",
      "0x10",
      "1,000",
      "1e",
      "--1",
      "1e99999",
    ]) {
      expect(err(bad, 2), String(bad)).not.toBeNull();
    }
  });

  it("bounds hostile exponents instead of building huge numbers", () => {
    expect(err("1e401", 0)).toContain("out of range");
    expect(ok("1e400", 0)).toBe(10n ** 400n);
  });
});

describe("formatAmount", () => {
  it.each([
    [500n, 2, "5.00"],
    [5n, 2, "0.05"],
    [0n, 6, "0.000000"],
    [-150n, 2, "-1.50"],
    [1234n, 0, "1234"],
    [10n ** 30n, 18, "1000000000000.000000000000000000"],
  ] as const)("%s at %i = %s", (value, decimals, text) => {
    expect(formatAmount(value, decimals)).toBe(text);
  });

  it("round-trips with parseDecimal for any amount and decimals", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 40n }), fc.integer({ min: 0, max: 30 }), (v, d) => {
        expect(ok(formatAmount(v, d), d)).toBe(v);
      }),
    );
  });

  it("agrees with JS numbers only where they are exact", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), (n) => {
        const p = parseExactDecimal(n);
        expect(p.ok && compareDecimal(p.value, { coef: BigInt(n), scale: 0 })).toBe(0);
      }),
    );
  });
});

describe("rescale", () => {
  it("is exact upward and rounds as asked downward", () => {
    expect(rescale(5n, 2, 6, "exact")).toEqual({ ok: true, value: 50_000n });
    expect(rescale(123_456n, 6, 2, "up")).toEqual({ ok: true, value: 13n });
    expect(rescale(123_456n, 6, 2, "down")).toEqual({ ok: true, value: 12n });
    expect(rescale(120_000n, 6, 2, "exact")).toEqual({ ok: true, value: 12n });
    expect(rescale(123_456n, 6, 2, "exact").ok).toBe(false);
  });
});
