// Shared by the ledger benchmarks: bundle bench/ledger-worker.ts, start it in local workerd
// (Miniflare) with a migrated D1, and read that workerd's CPU time (steadier than wall time on a
// shared machine).
import { execSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";

export const root = path.resolve(import.meta.dirname, "..");

export async function startLedgerWorker(name, { inspectorPort } = {}) {
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
      name,
      modules: true,
      scriptPath: out,
      compatibilityDate: "2026-10-01",
      compatibilityFlags: ["nodejs_compat"],
      durableObjects: { LEDGER: { className: "BenchLedger", useSQLite: true } },
      d1Databases: ["DB"],
      ...(inspectorPort ? { inspectorPort } : {}),
    }),
  );
  const db = await mf.getD1Database("DB");
  for (const file of readdirSync(path.join(root, "migrations"))
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    for (const stmt of readFileSync(path.join(root, "migrations", file), "utf8")
      .split("--> statement-breakpoint")
      .map((s) => s.trim())
      .filter(Boolean)) {
      await db.prepare(stmt).run();
    }
  }
  const workerdPid = execSync(`pgrep -P ${process.pid} workerd`).toString().trim().split("\n")[0];
  /** CPU seconds (user + system) used by this Miniflare's workerd so far. */
  const cpuSeconds = () => {
    const f = readFileSync(`/proc/${workerdPid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  };
  return { mf, cpuSeconds };
}
