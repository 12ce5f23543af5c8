// Benchmark: reserve+commit pairs/s on one tenant ledger vs no-op RPCs to the same object, in local
// workerd (Miniflare). Last line of output is one JSON object. Run: npm run bench:ledger
import { startLedgerWorker } from "./ledger-harness.mjs";

const PAIRS = Number(process.env.PAIRS ?? 4000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.ROUNDS ?? 3);

const { mf, cpuSeconds } = await startLedgerWorker("ledger-bench");
try {
  const call = async (p, n, run) => {
    const t = performance.now();
    const res = await mf.dispatchFetch(
      `http://bench.local${p}?n=${n}&c=${CONCURRENCY}&org=bench-org&run=${run}`,
    );
    const body = await res.json();
    if (!res.ok) throw new Error(`${p}: ${res.status}`);
    return { ms: performance.now() - t, body };
  };

  // Warm up the object, the isolate and SQLite.
  await call("/pairs", 500, "warm");
  await call("/noop", 1000, "warm");

  const inf = Number.POSITIVE_INFINITY;
  let best = { pairs: 0, noop: 0, floor: 0, loopUs: inf, pairCpuUs: inf, noopCpuUs: inf };
  for (let r = 0; r < ROUNDS; r++) {
    const c0 = cpuSeconds();
    const p = await call("/pairs", PAIRS, `r${r}`);
    const c1 = cpuSeconds();
    if (p.body.denied > 0) throw new Error(`unexpected denials: ${p.body.denied}`);
    const q = await call("/noop", 2 * PAIRS, `r${r}`);
    const c2 = cpuSeconds();
    const w = await call("/probe-write", 2 * PAIRS, `r${r}`);
    const l = await call("/loop-pairs", PAIRS, `r${r}&mode=cpu`);
    const pairsPerS = PAIRS / (p.ms / 1000);
    const noopPerS = (2 * PAIRS) / (q.ms / 1000);
    const floorPerS = (2 * PAIRS) / (w.ms / 1000);
    const loopUs = (l.ms * 1000) / PAIRS;
    const pairCpuUs = ((c1 - c0) * 1e6) / PAIRS;
    const noopCpuUs = ((c2 - c1) * 1e6) / (2 * PAIRS);
    console.log(
      `round ${r + 1}: ${PAIRS} pairs ${pairsPerS.toFixed(0)}/s (${pairCpuUs.toFixed(0)} us CPU each); ` +
        `${2 * PAIRS} no-op RPCs ${noopPerS.toFixed(0)}/s (${noopCpuUs.toFixed(0)} us CPU each); ` +
        `${2 * PAIRS} one-row write RPCs ${floorPerS.toFixed(0)}/s; in-object pair ${loopUs.toFixed(0)} us`,
    );
    best = {
      pairs: Math.max(best.pairs, pairsPerS),
      noop: Math.max(best.noop, noopPerS),
      floor: Math.max(best.floor, floorPerS),
      loopUs: Math.min(best.loopUs, loopUs),
      pairCpuUs: Math.min(best.pairCpuUs, pairCpuUs),
      noopCpuUs: Math.min(best.noopCpuUs, noopCpuUs),
    };
  }
  const verify = (await call("/verify", 0, "v")).body;
  if (!verify.ok) throw new Error(`ledger verify failed: ${JSON.stringify(verify)}`);

  // ratio = time of one reserve+commit pair / time of two no-op RPCs = noop_per_s / (2 * pairs_per_s).
  const ratio = best.noop / (2 * best.pairs);
  console.log(
    `concurrency ${CONCURRENCY}, best of ${ROUNDS} rounds, one tenant object, 2 lines per reservation`,
  );
  console.log(`reserve+commit pairs/s:            ${best.pairs.toFixed(0)} (issue 13 target >= 3,000)`);
  console.log(`no-op RPCs/s:                      ${best.noop.toFixed(0)}`);
  console.log(
    `one-row write RPCs/s (own commit): ${best.floor.toFixed(0)}  (what 2 writes per pair would cap at without group commit: ${(best.floor / 2).toFixed(0)} pairs/s)`,
  );
  console.log(
    `in-object cost of one pair:        ${best.loopUs.toFixed(0)} us (the decisions alone: no RPC, 50 pairs per storage commit)`,
  );
  console.log(
    `workerd CPU per pair / per no-op:  ${best.pairCpuUs.toFixed(0)} us / ${best.noopCpuUs.toFixed(0)} us ` +
      `(CPU ratio ${(best.pairCpuUs / (2 * best.noopCpuUs)).toFixed(2)})`,
  );
  console.log(
    `ratio (pair cost / two no-op round trips = noop_per_s / (2 * pairs_per_s)): ${ratio.toFixed(2)} (issue 13 target <= 1.5)`,
  );
  console.log(
    JSON.stringify({
      pairs_per_s: Math.round(best.pairs),
      noop_per_s: Math.round(best.noop),
      ratio: Number(ratio.toFixed(3)),
      pair_cpu_us: Math.round(best.pairCpuUs),
      noop_cpu_us: Math.round(best.noopCpuUs),
    }),
  );
} finally {
  await mf.dispose();
}
