// Retry schedule for webhook deliveries (pure: `now` and the jitter draw are arguments). Delays double
// from 30 s to a 1 h cap, plus up to 20% jitter; a delivery is given up 26 h after it was created, and
// an endpoint failing without a single success for 3 days is disabled.

export const FIRST_RETRY_MS = 30_000;
export const MAX_RETRY_MS = 3_600_000;
export const JITTER_FRACTION = 0.2;
export const RETRY_HORIZON_MS = 26 * 3_600_000;
export const DISABLE_AFTER_MS = 3 * 86_400_000;

/** Delay before retry number `failedAttempts` (1 = after the first failure); `random` in [0, 1). */
export function retryDelayMs(failedAttempts: number, random: number): number {
  if (!Number.isInteger(failedAttempts) || failedAttempts < 1)
    throw new RangeError("failedAttempts must be >= 1");
  // 2^17 * 30 s is far beyond the cap; clamping the exponent keeps the arithmetic finite.
  const base = Math.min(FIRST_RETRY_MS * 2 ** Math.min(failedAttempts - 1, 17), MAX_RETRY_MS);
  const jitter = Math.floor(base * JITTER_FRACTION * Math.min(Math.max(random, 0), 0.999_999));
  return base + jitter;
}

export type NextAttempt = { retry: true; at: number } | { retry: false };

/** After a failed attempt: when to try again, or give up once the next try would pass the horizon. */
export function nextAttempt(opts: {
  failedAttempts: number;
  createdAt: number;
  now: number;
  random: number;
}): NextAttempt {
  const at = opts.now + retryDelayMs(opts.failedAttempts, opts.random);
  return at > opts.createdAt + RETRY_HORIZON_MS ? { retry: false } : { retry: true, at };
}

/** True when an endpoint failing since `failingSince` has failed long enough to be disabled. */
export function shouldDisable(failingSince: number | null, now: number): boolean {
  return failingSince !== null && now - failingSince >= DISABLE_AFTER_MS;
}

export type DeliveryOutcome =
  | { state: "delivered" }
  | { state: "pending"; nextAttemptAt: number }
  | { state: "failed" };

/** A delivery's state after an attempt: delivered on 2xx, failed if refused or past the horizon, else retried. */
export function attemptOutcome(opts: {
  ok: boolean;
  refused: boolean;
  attemptsSoFar: number;
  createdAt: number;
  now: number;
  random: number;
}): DeliveryOutcome {
  if (opts.ok) return { state: "delivered" };
  if (opts.refused) return { state: "failed" };
  const next = nextAttempt({ failedAttempts: opts.attemptsSoFar + 1, ...opts });
  return next.retry ? { state: "pending", nextAttemptAt: next.at } : { state: "failed" };
}
