// Benchmark of one org's ledger spread over N shards (docs/ledger-sharding.md). Two parts:
//  1. workerd (Miniflare, bench/ledger-worker.ts): N = 1, 2, 4, 8 shards, many agents making
//     reserve+commit pairs against an agent line (decided in the shard) and an org budget (leased
//     from the parent); pairs/s per N, speed-up against N = 1, and overspend (must be 0).
//  2. the in-process simulation (bench/scale-sim.ts, simulated clock and latency) at N = 1, 8, 64
//     with 10,000 agents, and a run where the org budget runs out: throughput, its model, overspend.
// Flags: --sim-only, --workerd-only. Knobs: PAIRS, CONCURRENCY, AGENTS, SHARDS ("1,2,4,8"), SIM_SECONDS.
// Last line of output is one JSON object.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { root, startLedgerWorker } from "./ledger-harness.mjs";

const args = new Set(process.argv.slice(2));
const out = { workerd: null, sim: null };

if (!args.has("--sim-only")) out.workerd = await workerdPart();
if (!args.has("--workerd-only")) out.sim = await simPart();
console.log(JSON.stringify(out));

async function workerdPart() {
  const PAIRS = Number(process.env.PAIRS ?? 3000);
  const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
  const AGENTS = Number(process.env.AGENTS ?? 256);
  const SHARDS = (process.env.SHARDS ?? "1,2,4,8").split(",").map(Number);
  const { mf, cpuSeconds } = await startLedgerWorker("ledger-scale");
  const rows = [];
  try {
    for (const n of SHARDS) {
      const org = `scale-org-${n}`;
      const q = (p, extra = "") =>
        `http://bench.local${p}?org=${org}&shards=${n}&c=${CONCURRENCY}&agents=${AGENTS}${extra}`;
      await (await mf.dispatchFetch(q("/shard-pairs", "&n=300&run=warm"))).json();
      const c0 = cpuSeconds();
      const t = performance.now();
      const res = await mf.dispatchFetch(q("/shard-pairs", `&n=${PAIRS}&run=main`));
      const body = await res.json();
      if (!res.ok) throw new Error(`/shard-pairs: ${res.status} ${JSON.stringify(body)}`);
      const ms = performance.now() - t;
      const cpu = cpuSeconds() - c0;
      // The exhaustion run: a budget that fits `fit` calls, twice as many concurrent asks.
      const ex = await (await mf.dispatchFetch(q("/shard-exhaust", `&n=${2 * 400}&fit=400&run=ex`))).json();
      const row = {
        shards: n,
        pairs: body.ok,
        denied: body.denied,
        unavailable: body.unavailable,
        pairsPerS: Math.round(body.ok / (ms / 1000)),
        cpuUsPerPair: Math.round((cpu * 1e6) / body.ok),
        overspend: body.overspend,
        exhaust: ex,
      };
      rows.push(row);
      console.log(
        `workerd N=${n}: ${row.pairsPerS} pairs/s, ${row.cpuUsPerPair} µs CPU/pair, overspend ${row.overspend}; exhaustion: ${ex.ok}/${ex.fit} admitted, overspend ${ex.overspend}`,
      );
    }
  } finally {
    await mf.dispose();
  }
  const base = rows.find((r) => r.shards === 1)?.pairsPerS ?? rows[0]?.pairsPerS ?? 1;
  for (const r of rows) r.speedup = Number((r.pairsPerS / base).toFixed(2));
  console.log("N   pairs/s   speed-up  overspend");
  for (const r of rows)
    console.log(
      `${String(r.shards).padEnd(3)} ${String(r.pairsPerS).padStart(7)}   ${String(r.speedup).padStart(6)}x   ${r.overspend}`,
    );
  return rows;
}

async function simPart() {
  const file = path.join(root, "bench/dist/scale-sim.mjs");
  await build({
    entryPoints: [path.join(root, "bench/scale-sim.ts")],
    outfile: file,
    bundle: true,
    format: "esm",
    platform: "node",
    logLevel: "warning",
  });
  const { simulate } = await import(pathToFileURL(file).href);
  const seconds = Number(process.env.SIM_SECONDS ?? 10);
  const base = {
    agents: 10_000,
    seconds,
    shardServiceMs: 1,
    parentServiceMs: 1,
    netMs: [1, 3],
    thinkMs: 200,
    leaseTtlMs: 10_000,
    maxQueueMs: 100,
    seed: 7,
  };
  const runs = [];
  for (const shards of [1, 8, 64]) runs.push(simulate({ ...base, shards, limit: 10n ** 15n }));
  runs.push({ scenario: "exhaustion", ...simulate({ ...base, shards: 64, limit: 5_000_000n }) });
  console.log(
    "simulation: 10,000 agents, 1 ms per shard request (~1,000 req/s per object), 1 ms per lease exchange, 1-3 ms one way",
  );
  for (const r of runs) {
    console.log(
      `sim N=${r.shards}${r.scenario ? ` (${r.scenario})` : ""}: ${r.pairsPerS} pairs/s (model ${r.modelPairsPerS}), ` +
        `${r.exchangesPerS} lease exchanges/s (${r.exchangesPerPair}/pair), parent busy ${(r.parentUtil * 100).toFixed(1)}%, ` +
        `denied ${r.denied} (false ${r.falseDenials}), overloaded ${r.overloaded}, spent ${r.spent}/${r.limit}, ` +
        `overspend ${r.overspend}, stranded after heal ${r.strandedAfterHeal}, first denial at ${r.spentAtFirstDenial ?? "-"}`,
    );
  }
  return runs;
}
