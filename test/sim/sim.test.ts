// The seeded whole-gateway simulation: a short run in `npm test` (fixed seeds), a long one with
// `npm run sim -- --seed N --steps M` (scripts/sim.mjs passes SIM_SEED / SIM_STEPS as bindings).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { simulate } from "./simulate";

const vars = env as unknown as Record<string, string | undefined>;
const seedVar = vars.SIM_SEED ? Number(vars.SIM_SEED) : null;
const steps = vars.SIM_STEPS ? Number(vars.SIM_STEPS) : null;

describe("whole-gateway simulation", () => {
  if (seedVar !== null) {
    const n = steps ?? 500;
    it(
      `seed ${seedVar}, ${n} steps`,
      async () => {
        const s = await simulate({ seed: seedVar, steps: n, maxTimeouts: Math.max(1, Math.floor(n / 100)) });
        expect(s.violations).toEqual([]);
      },
      n * 2_000 + 60_000,
    );
    return;
  }
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}, ${steps ?? 40} steps: every settled payment committed once, no scope over its limit`, async () => {
      const s = await simulate({ seed, steps: steps ?? 40, maxTimeouts: seed === 1 ? 1 : 0 });
      expect(s.violations).toEqual([]);
    }, 60_000);
  }
});
