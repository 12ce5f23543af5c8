#!/usr/bin/env node
// The long simulation run: `npm run sim -- --seed 42 --steps 500` (several seeds: --seeds 5 runs
// seed, seed+1, ...). Runs vitest on test/sim/sim.test.ts with SIM_SEED / SIM_STEPS, which
// vitest.config.ts passes to the Worker as bindings; the test prints the summary and, on a failure,
// "SIM FAILED seed=… step=…". Without --seed, a random seed is chosen and printed.
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    seed: { type: "string" },
    steps: { type: "string", default: "500" },
    seeds: { type: "string", default: "1" },
  },
});
const first = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
const runs = Number(values.seeds);
if (!Number.isInteger(first) || !Number.isInteger(Number(values.steps)) || !Number.isInteger(runs)) {
  console.error("usage: npm run sim -- [--seed N] [--steps M] [--seeds K]");
  process.exit(2);
}
let failed = 0;
for (let seed = first; seed < first + runs; seed++) {
  console.log(`sim: seed ${seed}, ${values.steps} steps`);
  const r = spawnSync("npx", ["vitest", "run", "test/sim/sim.test.ts"], {
    stdio: "inherit",
    env: { ...process.env, SIM_SEED: String(seed), SIM_STEPS: values.steps },
  });
  if (r.status !== 0) {
    failed += 1;
    console.log(
      `sim: seed ${seed} FAILED (reproduce: npm run sim -- --seed ${seed} --steps ${values.steps})`,
    );
  }
}
process.exit(failed > 0 ? 1 : 0);
