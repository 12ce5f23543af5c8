// The simulated clock. vitest's fake Date reaches the gateway and the ledger Durable Object (they run
// in the test's isolate), but not the demo upstream (its own Worker): mppx challenges expire 5 minutes
// after the *real* time. So the simulated clock starts in the past (never later than real time minus a
// margin) and only moves forward: it starts just before a local midnight that precedes a DST change of
// America/New_York, and steps cross that midnight, the DST change, and (with jumps) whole days.
import { vi } from "vitest";
import type { Rng } from "./prng";

export const DST_ZONE = "America/New_York";
const HOUR = 3_600_000;
/** Challenges the upstream issues expire 5 min after real time; stay well before that. */
const REAL_MARGIN_MS = 10 * 60_000;

/** The zone's UTC offset at `t`, in ms (local = t + offset). */
export function offsetMs(t: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(t));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second"));
  return local - Math.floor(t / 1000) * 1000;
}

/** The local calendar date at `t` in `timeZone`, "YYYY-MM-DD". */
export function localDate(t: number, timeZone: string): string {
  return new Date(t + offsetMs(t, timeZone)).toISOString().slice(0, 10);
}

/** The latest instant before `before` at which the zone's offset changes (to the minute). */
export function lastTransition(before: number, timeZone: string): number {
  let hi = before;
  const now = offsetMs(hi, timeZone);
  let lo = hi - HOUR;
  while (offsetMs(lo, timeZone) === now) {
    hi = lo;
    lo -= 6 * HOUR;
    if (before - lo > 400 * 24 * HOUR) throw new Error(`${timeZone} has no DST change in 400 days`);
  }
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (offsetMs(mid, timeZone) === now) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The UTC instant of local midnight starting the local day that contains `t`. */
export function localMidnight(t: number, timeZone: string): number {
  const local = t + offsetMs(t, timeZone);
  const dayStart = local - (((local % (24 * HOUR)) + 24 * HOUR) % (24 * HOUR));
  // The offset at midnight may differ from the one at t (a DST change later that day).
  return dayStart - offsetMs(dayStart - offsetMs(t, timeZone), timeZone);
}

export class SimClock {
  readonly start: number;
  readonly transition: number;
  private readonly ceiling: number;
  private t: number;

  constructor(rng: Rng) {
    vi.useRealTimers();
    const real = Date.now();
    this.ceiling = real - REAL_MARGIN_MS;
    this.transition = lastTransition(this.ceiling - 26 * HOUR, DST_ZONE);
    // A little before the local midnight of the DST day: the run crosses midnight, then the change.
    this.start = localMidnight(this.transition, DST_ZONE) - rng.int(1, 40) * 60_000;
    this.t = this.start;
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(this.t);
  }

  now(): number {
    return this.t;
  }

  /**
   * Moves by `ms` (clamped below real time); a negative `ms` steps back, as an NTP correction does
   * (never before the start). Returns how far it moved.
   */
  advance(ms: number): number {
    const to = Math.max(this.start, Math.min(this.t + Math.floor(ms), this.ceiling));
    const moved = to - this.t;
    this.t = to;
    vi.setSystemTime(this.t);
    return moved;
  }

  /** One millisecond, so consecutive requests do not share a timestamp. */
  tick(): void {
    this.advance(1);
  }

  stop(): void {
    vi.useRealTimers();
  }
}
