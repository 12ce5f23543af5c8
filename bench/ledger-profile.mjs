// Where a reserve+commit pair's time goes: component loops inside the object and write RPCs that
// touch 1..N tables (commit cost per B-tree). Prints one line per probe. Run: node bench/ledger-profile.mjs
import { startLedgerWorker } from "./ledger-harness.mjs";

const N = Number(process.env.N ?? 4000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);

const { mf, cpuSeconds } = await startLedgerWorker("ledger-profile");
try {
  const call = async (p, n, extra = "") => {
    const t = performance.now();
    const res = await mf.dispatchFetch(
      `http://bench.local${p}?n=${n}&c=${CONCURRENCY}&org=prof-org&run=${extra}`,
    );
    await res.text();
    if (!res.ok) throw new Error(`${p}: ${res.status}`);
    return performance.now() - t;
  };
  const us = (ms, n) => ((ms * 1000) / n).toFixed(1);
  const best = async (f) => Math.min(await f(), await f(), await f());

  await call("/pairs", 300, "warm");
  if (process.env.ONLY_PROBES) {
    const noop = await best(() => call("/noop", N));
    console.log(`no-op RPC             ${us(noop, N)} us/rpc (${((N / noop) * 1000).toFixed(0)}/s)`);
  }
  if (process.env.ONLY_CPU) {
    let k = 0;
    const times = [];
    const c0 = cpuSeconds();
    for (let i = 0; i < 5; i++) times.push(await call("/loop-pairs", N, `C${k++}&mode=cpu`));
    const cpu = ((cpuSeconds() - c0) * 1e6) / (5 * N);
    times.sort((a, b) => a - b);
    console.log(
      `in-object pair, 50 per commit: min ${us(times[0], N)} us, median ${us(times[2], N)} us wall; workerd CPU ${cpu.toFixed(0)} us/pair`,
    );
    process.exit(0);
  }
  if (process.env.ONLY_PAIRS) {
    const c0 = cpuSeconds();
    const noop = await call("/noop", N);
    console.log(
      `no-op RPC             ${us(noop, N)} us/rpc, workerd CPU ${(((cpuSeconds() - c0) * 1e6) / N).toFixed(0)} us/rpc`,
    );
    await mf.dispatchFetch("http://bench.local/batch-stats?org=prof-org");
    const cpu0 = cpuSeconds();
    const ms = await call("/pairs", N, "only");
    const cpu = cpuSeconds() - cpu0;
    const stats = await (await mf.dispatchFetch("http://bench.local/batch-stats?org=prof-org")).text();
    console.log(
      `RPC pair              ${us(ms, N)} us/pair (${((N / ms) * 1000).toFixed(0)}/s), workerd CPU ${((cpu * 1e6) / N).toFixed(0)} us/pair; ${stats}`,
    );
    process.exit(0);
  }
  for (const what of process.env.ONLY_PROBES && !process.env.WHATS
    ? []
    : (process.env.WHATS ?? "await,exec,parse,commit-parse,stringify,subtle,nodehash").split(",")) {
    const ms = await best(() => call(`/prof`, N, `x&what=${what}`));
    console.log(`in-object ${what.padEnd(13)} ${us(ms, N)} us/iter`);
  }
  if (!process.env.ONLY_PROBES) {
    const noop = await best(() => call("/noop", N));
    console.log(`no-op RPC             ${us(noop, N)} us/rpc (${((N / noop) * 1000).toFixed(0)}/s)`);
  }
  for (const tables of process.env.ONLY_PROBES ? [] : [1, 3, 6, 12]) {
    const ms = await best(() => call(`/probe-wide`, N, `x&tables=${tables}`));
    console.log(
      `write RPC ${String(tables).padStart(2)} tables     ${us(ms, N)} us/rpc (${((N / ms) * 1000).toFixed(0)}/s)`,
    );
  }
  for (const mode of (process.env.MODES ?? "tsync,timer,group").split(",")) {
    const ms = await best(() => call(`/probe-mode`, N, `x&mode=${mode}`));
    const stats = await (await mf.dispatchFetch("http://bench.local/batch-stats?org=prof-org")).text();
    console.log(
      `write RPC ${mode.padEnd(12)} ${us(ms, N)} us/rpc (${((N / ms) * 1000).toFixed(0)}/s) ${stats}`,
    );
  }
  if (process.env.ONLY_PROBES) process.exit(0);
  let r = 0;
  const loop = await best(() => call("/loop-pairs", N / 4, `L${r++}`));
  console.log(`in-object pair        ${us(loop, N / 4)} us/pair`);
  const pairs = await best(() => call("/pairs", N / 2, `P${r++}`));
  console.log(`RPC pair              ${us(pairs, N / 2)} us/pair (${((N / 2 / pairs) * 1000).toFixed(0)}/s)`);
} finally {
  await mf.dispose();
}
