// Spend velocity (pure, bigint arithmetic, `now` passed in): is the spend of the last window above a
// multiple of the usual rate, and is this the start of an episode? Spend is kept in two small sets of
// buckets per watched scope: fine slices of the window and coarse slices of the baseline, so one
// observation reads at most FINE_SLICES + 1 + COARSE_SLICES rows whatever the org's history.

/** The window is measured over this many fine buckets (plus the one now fills). */
export const FINE_SLICES = 5;
/** The baseline is this many coarse buckets, the current one excluded. */
export const COARSE_SLICES = 24;

const MINUTE = 60_000;
const HOUR = 3_600_000;

export type Bucket = { start: number; amount: bigint; payments: number };

export type VelocityRule = {
  windowMinutes: number;
  baselineHours: number;
  /** Percent of the usual window spend the window must exceed (300 = 3x). */
  multiplePercent: number;
  /** The floor for a pool without a minSpend. */
  minPayments: number;
  /** In the pool's base units; 0n when none is configured for it (then minPayments is the floor). */
  minSpend: bigint;
};

export function widths(rule: Pick<VelocityRule, "windowMinutes" | "baselineHours">) {
  const windowMs = rule.windowMinutes * MINUTE;
  const baselineMs = rule.baselineHours * HOUR;
  // Both divide exactly: minutes * 60000 by 5 and hours * 3600000 by 24.
  return { windowMs, baselineMs, fineMs: windowMs / FINE_SLICES, coarseMs: baselineMs / COARSE_SLICES };
}

/** The start of the bucket of `width` ms holding `at`. */
export function bucketStart(at: number, width: number): number {
  return at - (at % width);
}

/** Bucket starts older than these can be dropped: they no longer count for the window or baseline. */
export function horizons(rule: VelocityRule, now: number): { fine: number; coarse: number } {
  const w = widths(rule);
  return {
    fine: bucketStart(now, w.fineMs) - FINE_SLICES * w.fineMs,
    coarse: bucketStart(now, w.coarseMs) - COARSE_SLICES * w.coarseMs,
  };
}

export type Measure = {
  windowSpend: bigint;
  windowPayments: number;
  /** Spend over the baseline's complete coarse buckets since the scope was first seen. */
  baselineSpend: bigint;
  /** How long that baseline is (0 while the scope's first coarse bucket is still filling). */
  baselineMs: number;
  /** The baseline scaled to one window, rounded down: what a usual window holds. */
  usualWindowSpend: bigint;
};

/**
 * Window: the fine bucket now fills and the FINE_SLICES before it (between one window and one window
 * plus a slice: a split burst is never under-counted). Baseline: the complete coarse buckets before
 * the current one, but none before `since` (the scope's first payment), so a watch that just started
 * compares with what it saw, not with hours it never observed.
 */
export function measure(
  rule: VelocityRule,
  fine: Bucket[],
  coarse: Bucket[],
  since: number,
  now: number,
): Measure {
  const w = widths(rule);
  const h = horizons(rule, now);
  const current = bucketStart(now, w.coarseMs);
  const first = Math.max(h.coarse, bucketStart(since, w.coarseMs));
  let windowSpend = 0n;
  let windowPayments = 0;
  for (const b of fine) {
    if (b.start < h.fine || b.start > now) continue;
    windowSpend += b.amount;
    windowPayments += b.payments;
  }
  let baselineSpend = 0n;
  for (const b of coarse) if (b.start >= first && b.start < current) baselineSpend += b.amount;
  const baselineMs = Math.max(0, current - first);
  const usualWindowSpend = baselineMs === 0 ? 0n : (baselineSpend * BigInt(w.windowMs)) / BigInt(baselineMs);
  return { windowSpend, windowPayments, baselineSpend, baselineMs, usualWindowSpend };
}

/**
 * Above: the window passes its floor, a baseline exists, and
 * windowSpend / windowMs > multiple * baselineSpend / baselineMs, compared exactly as
 * windowSpend * baselineMs * 100 > multiplePercent * baselineSpend * windowMs. A zero baseline
 * (nothing paid in the observed baseline) makes any window that passes the floors above.
 */
export function isAbove(rule: VelocityRule, m: Measure): boolean {
  if (!passesFloor(rule, m)) return false;
  if (m.baselineMs === 0 || m.windowSpend === 0n) return false;
  const { windowMs } = widths(rule);
  const lhs = m.windowSpend * BigInt(m.baselineMs) * 100n;
  const rhs = BigInt(rule.multiplePercent) * m.baselineSpend * BigInt(windowMs);
  return lhs > rhs;
}

/**
 * The floor that keeps the first cents quiet: the pool's minSpend when one is set (then one large
 * payment is a burst too: an agent cannot dodge the alert by paying in two big sums instead of many
 * small ones), otherwise minPayments payments.
 */
export function passesFloor(rule: VelocityRule, m: Pick<Measure, "windowSpend" | "windowPayments">): boolean {
  return rule.minSpend > 0n ? m.windowSpend >= rule.minSpend : m.windowPayments >= rule.minPayments;
}

/** A scope's episode: firing from the payment that crossed until the rate is back to normal. */
export type Episode = { firing: boolean; firedAt: number | null };

/**
 * Fires once when the rate goes above; re-arms at the first payment that finds it normal again,
 * but never within one window of firing, so a rate hovering at the line does not flap.
 */
export function nextEpisode(
  prev: Episode,
  above: boolean,
  now: number,
  windowMs: number,
): { episode: Episode; fire: boolean } {
  if (!prev.firing)
    return above ? { episode: { firing: true, firedAt: now }, fire: true } : { episode: prev, fire: false };
  const cooled = prev.firedAt === null || now >= prev.firedAt + windowMs;
  if (!above && cooled) return { episode: { firing: false, firedAt: null }, fire: false };
  return { episode: prev, fire: false };
}
