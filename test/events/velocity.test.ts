// Spend velocity's arithmetic: buckets, the exact rate comparison, episodes (pure, bigint, time passed in).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Bucket,
  bucketStart,
  isAbove,
  measure,
  nextEpisode,
  type VelocityRule,
  widths,
} from "../../src/events/velocity";

const MINUTE = 60_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 2, 0, 0, 0);

const rule: VelocityRule = {
  windowMinutes: 10,
  baselineHours: 24,
  multiplePercent: 300,
  minPayments: 3,
  minSpend: 0n,
};

/** Payments [at, amount] folded into the two bucket sets, as the watch store keeps them. */
function bucketsOf(r: VelocityRule, payments: [number, bigint][]): { fine: Bucket[]; coarse: Bucket[] } {
  const w = widths(r);
  const fold = (width: number) => {
    const m = new Map<number, Bucket>();
    for (const [at, amount] of payments) {
      const start = bucketStart(at, width);
      const b = m.get(start) ?? { start, amount: 0n, payments: 0 };
      m.set(start, { start, amount: b.amount + amount, payments: b.payments + 1 });
    }
    return [...m.values()];
  };
  return { fine: fold(w.fineMs), coarse: fold(w.coarseMs) };
}

function measureAt(r: VelocityRule, payments: [number, bigint][], since: number, now: number) {
  const { fine, coarse } = bucketsOf(r, payments);
  return measure(r, fine, coarse, since, now);
}

describe("widths and buckets", () => {
  it("cuts the window in 5 slices and the baseline in 24, exactly", () => {
    expect(widths(rule)).toEqual({
      windowMs: 10 * MINUTE,
      baselineMs: 24 * HOUR,
      fineMs: 2 * MINUTE,
      coarseMs: HOUR,
    });
    expect(widths({ ...rule, windowMinutes: 1, baselineHours: 1 }).fineMs).toBe(12_000);
    expect(bucketStart(T0 + 5 * MINUTE + 7, 2 * MINUTE)).toBe(T0 + 4 * MINUTE);
  });
});

describe("measure", () => {
  it("counts the window's payments and the complete baseline hours before the current one", () => {
    const now = T0 + 30 * HOUR + 30 * MINUTE;
    const payments: [number, bigint][] = [
      [T0 + 5 * HOUR, 100n], // older than the 24 baseline hours: dropped
      [T0 + 7 * HOUR, 200n],
      [T0 + 29 * HOUR + 10 * MINUTE, 300n],
      [now - 5 * MINUTE, 50n], // window (and the current hour: not baseline)
      [now - 1 * MINUTE, 50n],
    ];
    const m = measureAt(rule, payments, T0, now);
    expect(m.windowSpend).toBe(100n);
    expect(m.windowPayments).toBe(2);
    expect(m.baselineSpend).toBe(500n);
    expect(m.baselineMs).toBe(24 * HOUR);
    // 500 over 24 h is 3 per 10 minutes (rounded down).
    expect(m.usualWindowSpend).toBe(3n);
  });

  it("a young watch's baseline covers only the complete hours since it started", () => {
    const since = T0 + 10 * MINUTE;
    const now = T0 + 3 * HOUR + 5 * MINUTE;
    const m = measureAt(rule, [[since, 600n]], since, now);
    expect(m.baselineMs).toBe(3 * HOUR);
    expect(m.baselineSpend).toBe(600n);
    expect(measureAt(rule, [[since, 600n]], since, since + 20 * MINUTE).baselineMs).toBe(0);
  });
});

describe("the window never under-counts", () => {
  it("holds every payment of the last windowMinutes, and none older than one window plus a slice", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 * HOUR }),
        fc.array(
          fc.tuple(fc.integer({ min: 0, max: 25 * MINUTE }), fc.bigInt({ min: 1n, max: 10n ** 20n })),
          {
            maxLength: 40,
          },
        ),
        (offset, ages) => {
          const now = T0 + 30 * HOUR + offset;
          const payments = ages.map(([age, amount]): [number, bigint] => [now - age, amount]);
          const m = measureAt(rule, payments, T0, now);
          const w = widths(rule);
          const sum = (maxAge: number) =>
            payments.filter(([at]) => now - at < maxAge).reduce((a, [, v]) => a + v, 0n);
          expect(m.windowSpend >= sum(w.windowMs)).toBe(true);
          expect(m.windowSpend <= sum(w.windowMs + w.fineMs)).toBe(true);
        },
      ),
    );
  });
});

describe("isAbove", () => {
  const base = { baselineSpend: 2_400n, baselineMs: 24 * HOUR, usualWindowSpend: 16n };

  it("compares rates exactly: 3x of 16.66.. per window is 50; above means more than 50", () => {
    expect(isAbove(rule, { ...base, windowSpend: 50n, windowPayments: 5 })).toBe(false);
    expect(isAbove(rule, { ...base, windowSpend: 51n, windowPayments: 5 })).toBe(true);
  });

  it("stays quiet under the floors, and while no baseline exists", () => {
    expect(isAbove(rule, { ...base, windowSpend: 10_000n, windowPayments: 2 })).toBe(false);
    expect(
      isAbove({ ...rule, minSpend: 20_000n }, { ...base, windowSpend: 10_000n, windowPayments: 9 }),
    ).toBe(false);
    expect(isAbove(rule, { ...base, baselineMs: 0, windowSpend: 10_000n, windowPayments: 9 })).toBe(false);
  });

  it("with a minSpend, one large payment passes the floor (two big sums cannot dodge it)", () => {
    const r = { ...rule, minSpend: 20_000n };
    expect(isAbove(r, { ...base, windowSpend: 20_000n, windowPayments: 1 })).toBe(true);
    expect(isAbove(r, { ...base, windowSpend: 19_999n, windowPayments: 50 })).toBe(false);
  });

  it("a zero baseline over an observed period: any window past the floors is above", () => {
    expect(isAbove(rule, { ...base, baselineSpend: 0n, windowSpend: 1n, windowPayments: 3 })).toBe(true);
  });

  it("agrees with the rational comparison for any amounts (no float, no rounding)", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 30n }),
        fc.bigInt({ min: 0n, max: 10n ** 30n }),
        fc.integer({ min: 1, max: 720 }),
        fc.integer({ min: 101, max: 1_000_000 }),
        (windowSpend, baselineSpend, hours, pct) => {
          const r = { ...rule, multiplePercent: pct, minPayments: 1 };
          const baselineMs = hours * HOUR;
          const got = isAbove(r, {
            windowSpend,
            windowPayments: 1,
            baselineSpend,
            baselineMs,
            usualWindowSpend: 0n,
          });
          // windowSpend / 10 min > pct/100 * baselineSpend / (hours * 60 min)
          const want = windowSpend * BigInt(hours * 60) * 100n > BigInt(pct) * baselineSpend * 10n;
          expect(got).toBe(want);
        },
      ),
    );
  });

  it("splitting a burst into more, smaller payments never lowers the window's spend", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        (parts, total) => {
          const now = T0 + 30 * HOUR;
          const each = total / BigInt(parts);
          const split: [number, bigint][] = Array.from({ length: parts }, (_, i) => [now - i * 10_000, each]);
          const m = measureAt(rule, split, T0, now);
          expect(m.windowSpend).toBe(each * BigInt(parts));
          expect(m.windowPayments).toBe(parts);
        },
      ),
    );
  });
});

describe("nextEpisode", () => {
  const W = 10 * MINUTE;
  it("fires once on the way up, not again while above", () => {
    const a = nextEpisode({ firing: false, firedAt: null }, true, T0, W);
    expect(a).toEqual({ episode: { firing: true, firedAt: T0 }, fire: true });
    expect(nextEpisode(a.episode, true, T0 + MINUTE, W).fire).toBe(false);
    expect(nextEpisode(a.episode, true, T0 + HOUR, W).fire).toBe(false);
  });

  it("re-arms at the first normal payment a window after firing, not sooner", () => {
    const firing = { firing: true, firedAt: T0 };
    expect(nextEpisode(firing, false, T0 + W - 1, W).episode).toEqual(firing);
    const rearmed = nextEpisode(firing, false, T0 + W, W);
    expect(rearmed).toEqual({ episode: { firing: false, firedAt: null }, fire: false });
    expect(nextEpisode(rearmed.episode, true, T0 + 2 * W, W).fire).toBe(true);
  });
});
