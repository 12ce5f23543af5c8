// budgetThresholdCrossings: fires on crossings only, in exact bigint arithmetic.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { budgetThresholdCrossings } from "../../src/events";

const none = { warning: false, exhausted: false };

describe("budgetThresholdCrossings", () => {
  it("fires the warning once when usage crosses 80%, not on later changes above it", () => {
    const limit = "10000000"; // 10.000000 at 6 decimals
    expect(budgetThresholdCrossings({ limit, before: "7000000", after: "7999999" })).toEqual(none);
    expect(budgetThresholdCrossings({ limit, before: "7999999", after: "8000000" })).toEqual({
      warning: true,
      exhausted: false,
    });
    expect(budgetThresholdCrossings({ limit, before: "8000000", after: "9000000" })).toEqual(none);
  });

  it("fires exhausted when usage reaches the limit, and only then", () => {
    const limit = 100n;
    expect(budgetThresholdCrossings({ limit, before: 90n, after: 99n })).toEqual(none);
    expect(budgetThresholdCrossings({ limit, before: 99n, after: 100n })).toEqual({
      warning: false,
      exhausted: true,
    });
    expect(budgetThresholdCrossings({ limit, before: 100n, after: 120n })).toEqual(none);
  });

  it("fires both when one change jumps past the threshold and the limit", () => {
    expect(budgetThresholdCrossings({ limit: 100n, before: 10n, after: 100n })).toEqual({
      warning: true,
      exhausted: true,
    });
  });

  it("never fires on a decrease (a release) or a zero limit", () => {
    expect(budgetThresholdCrossings({ limit: 100n, before: 100n, after: 50n })).toEqual(none);
    expect(budgetThresholdCrossings({ limit: 100n, before: 50n, after: 50n })).toEqual(none);
    expect(budgetThresholdCrossings({ limit: 0n, before: 0n, after: 5n })).toEqual(none);
  });

  it("honours a custom threshold and is exact for 18-decimal amounts", () => {
    const limit = 10n ** 24n; // one million tokens at 18 decimals
    const ninety = (limit * 9n) / 10n;
    expect(
      budgetThresholdCrossings({ limit, before: ninety - 1n, after: ninety, thresholdPercent: 90 }).warning,
    ).toBe(true);
    expect(
      budgetThresholdCrossings({ limit, before: ninety - 2n, after: ninety - 1n, thresholdPercent: 90 }),
    ).toEqual(none);
  });

  it("rejects a threshold outside [1, 100] and non-integer amounts", () => {
    expect(() => budgetThresholdCrossings({ limit: 1n, before: 0n, after: 1n, thresholdPercent: 0 })).toThrow(
      RangeError,
    );
    expect(() =>
      budgetThresholdCrossings({ limit: 1n, before: 0n, after: 1n, thresholdPercent: 80.5 }),
    ).toThrow(RangeError);
    expect(() => budgetThresholdCrossings({ limit: "1.5", before: "0", after: "1" })).toThrow(RangeError);
  });

  it("fires each event exactly once over any increasing path from 0 to past the limit", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 20n }),
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 19n })),
        (limit, steps) => {
          let used = 0n;
          let warnings = 0;
          let exhausted = 0;
          for (const step of [...steps, limit]) {
            const r = budgetThresholdCrossings({ limit, before: used, after: used + step });
            used += step;
            warnings += r.warning ? 1 : 0;
            exhausted += r.exhausted ? 1 : 0;
          }
          expect(warnings).toBe(1);
          expect(exhausted).toBe(1);
        },
      ),
    );
  });
});
