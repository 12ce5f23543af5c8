// The retry schedule: doubling from 30 s to a 1 h cap with bounded jitter, retries for at least 24 h.
import { describe, expect, it } from "vitest";
import {
  FIRST_RETRY_MS,
  MAX_RETRY_MS,
  nextAttempt,
  RETRY_HORIZON_MS,
  retryDelayMs,
  shouldDisable,
} from "../../src/events/backoff";

describe("retry schedule", () => {
  it("doubles from 30 s and caps at 1 h (before jitter)", () => {
    const delays = Array.from({ length: 10 }, (_, i) => retryDelayMs(i + 1, 0));
    expect(delays).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000, 3_600_000,
    ]);
    expect(retryDelayMs(10_000, 0)).toBe(MAX_RETRY_MS);
  });

  it("adds at most 20% jitter, so delays still increase whatever the draws", () => {
    for (let n = 1; n < 7; n++) {
      expect(retryDelayMs(n, 0.999)).toBeLessThan(retryDelayMs(n + 1, 0));
      expect(retryDelayMs(n, 0.999)).toBeLessThanOrEqual(FIRST_RETRY_MS * 2 ** (n - 1) * 1.2);
    }
  });

  it("keeps retrying for at least 24 h, then gives up before 27 h", () => {
    for (const random of [0, 0.5, 0.999]) {
      const createdAt = 1_000_000;
      let now = createdAt;
      let failed = 1;
      for (;;) {
        const next = nextAttempt({ failedAttempts: failed, createdAt, now, random });
        if (!next.retry) break;
        now = next.at;
        failed++;
      }
      expect(now - createdAt).toBeGreaterThanOrEqual(24 * 3_600_000);
      expect(now - createdAt).toBeLessThanOrEqual(RETRY_HORIZON_MS);
      expect(failed).toBeGreaterThan(20);
    }
  });

  it("disables only after 3 days of continuous failure", () => {
    expect(shouldDisable(null, 10 * 86_400_000)).toBe(false);
    expect(shouldDisable(0, 3 * 86_400_000 - 1)).toBe(false);
    expect(shouldDisable(0, 3 * 86_400_000)).toBe(true);
  });
});
