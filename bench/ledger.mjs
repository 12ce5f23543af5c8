// Benchmark: reserve+commit pairs/s on one tenant ledger vs no-op RPCs to the same object, in local
// workerd (Miniflare). Last line of output is one JSON object. Run: npm run bench:ledger
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";

const root = path.resolve(import.meta.dirname, "..");
const PAIRS = Number(process.env.PAIRS ?? 4000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.ROUNDS ?? 3);

const out = path.join(root, "bench/dist/ledger-worker.js");
await build({
  entryPoints: [path.join(root, "bench/ledger-worker.ts")],
  outfile: out,
  bundle: true,
  format: "esm",
  platform: "browser",
  conditions: ["workerd", "worker", "browser"],
  external: ["cloudflare:*", "node:*"],
  logLevel: "warning",
});

// This Miniflare takes the new config shape; convertV4MiniflareOptions keeps the familiar one.
const mf = new Miniflare(
  convertV4MiniflareOptions({
    name: "ledger-bench",
    modules: true,
    scriptPath: out,
    compatibilityDate: "2026-10-01",
    compatibilityFlags: ["nodejs_compat"],
    durableObjects: { LEDGER: { className: "TenantLedger", useSQLite: true } },
    d1Databases: ["DB"],
  }),
);

try {
  const db = await mf.getD1Database("DB");
  for (const file of readdirSync(path.join(root, "migrations"))
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    const sql = readFileSync(path.join(root, "migrations", file), "utf8");
    for (const stmt of sql
      .split("--> statement-breakpoint")
      .map((s) => s.trim())
      .filter(Boolean)) {
      await db.prepare(stmt).run();
    }
  }

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

  let best = { pairs: 0, noop: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    const p = await call("/pairs", PAIRS, `r${r}`);
    if (p.body.denied > 0) throw new Error(`unexpected denials: ${p.body.denied}`);
    const q = await call("/noop", 2 * PAIRS, `r${r}`);
    const pairsPerS = PAIRS / (p.ms / 1000);
    const noopPerS = (2 * PAIRS) / (q.ms / 1000);
    console.log(
      `round ${r + 1}: ${PAIRS} pairs in ${p.ms.toFixed(0)} ms (${pairsPerS.toFixed(0)}/s); ${2 * PAIRS} no-op RPCs in ${q.ms.toFixed(0)} ms (${noopPerS.toFixed(0)}/s)`,
    );
    best = { pairs: Math.max(best.pairs, pairsPerS), noop: Math.max(best.noop, noopPerS) };
  }
  const verify = (await call("/verify", 0, "v")).body;
  if (!verify.ok) throw new Error(`ledger verify failed: ${JSON.stringify(verify)}`);

  // ratio = time of one reserve+commit pair / time of two no-op RPCs = noop_per_s / (2 * pairs_per_s).
  const ratio = best.noop / (2 * best.pairs);
  console.log(
    `concurrency ${CONCURRENCY}, best of ${ROUNDS} rounds, one tenant object, 2 lines per reservation`,
  );
  console.log(`reserve+commit pairs/s: ${best.pairs.toFixed(0)}`);
  console.log(`no-op RPCs/s:           ${best.noop.toFixed(0)}`);
  console.log(
    `ratio (pair cost / two no-op round trips = noop_per_s / (2 * pairs_per_s)): ${ratio.toFixed(2)} (target <= 2)`,
  );
  console.log(
    JSON.stringify({
      pairs_per_s: Math.round(best.pairs),
      noop_per_s: Math.round(best.noop),
      ratio: Number(ratio.toFixed(3)),
    }),
  );
} finally {
  await mf.dispose();
}
