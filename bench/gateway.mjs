// Benchmark: latency of a free MCP tool call and of a paid one (the -32042 answer plus the paid retry),
// made directly to the demo upstream, through a bare forwarding Worker, and through Tollgate, all three
// under local `wrangler dev` in one run. Last line of output is one JSON object. Run: npm run bench:gateway
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const FREE_N = Number(process.env.FREE_N ?? 300);
const PAID_N = Number(process.env.PAID_N ?? 150);
const WARMUP = Number(process.env.WARMUP ?? 30);
/** The whole run (start-up included) stops here, measured or not. */
const DEADLINE = Date.now() + Number(process.env.BENCH_TIMEOUT_MS ?? 15 * 60_000);
const REQUEST_TIMEOUT_MS = 15_000;
const TARGET_RATIO = 1.5;
/**
 * Failed requests tolerated per way and call kind before the run is declared broken. wrangler dev
 * reloads a Worker when its sources change (others may be editing src/ or demo/), dropping requests.
 */
const MAX_FAILURES = 20;
const FAILURE_PAUSE_MS = 300;
const PROTOCOL_VERSION = "2025-06-18";
const CREDENTIAL_KEY = "org.paymentauth/credential";
const WAYS = ["direct", "bare", "tollgate"];

const wranglerBin = path.join(root, "node_modules/.bin/wrangler");
const tmp = mkdtempSync(path.join(tmpdir(), "tollgate-bench-"));
const secrets = {
  ADMIN_TOKEN: randomBytes(24).toString("base64url"),
  SESSION_SECRET: randomBytes(32).toString("base64url"),
};
// Logs and the dev registry go to the temp dir too, so a developer's own `npm start` is left alone.
const childEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_LOG_PATH: path.join(tmp, "logs"),
  WRANGLER_REGISTRY_PATH: path.join(tmp, "registry"),
  CI: "true",
};
const children = [];

function killAll(signal = "SIGTERM") {
  for (const c of children) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    try {
      process.kill(-c.pid, signal); // the process group: wrangler and the workerd it started
    } catch {}
  }
}
process.on("exit", () => {
  killAll("SIGKILL");
  rmSync(tmp, { recursive: true, force: true });
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(130));

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Runs wrangler to completion (migrations). */
function wrangler(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(wranglerBin, args, { cwd: root, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`wrangler ${args.join(" ")} exited ${code}\n${out}`)),
    );
  });
}

/** Starts `wrangler dev` in its own process group; keeps the tail of its output for error reports. */
function serve(name, args) {
  const child = spawn(wranglerBin, ["dev", "--ip", "127.0.0.1", ...args], {
    cwd: root,
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.tail = "";
  const keep = (d) => {
    child.tail = (child.tail + d).slice(-4000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  child.label = name;
  children.push(child);
  return child;
}

async function waitUp(child, url) {
  const until = Math.min(DEADLINE, Date.now() + 120_000);
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${child.label} exited ${child.exitCode}:\n${child.tail}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${child.label} did not come up at ${url}:\n${child.tail}`);
}

async function admin(base, method, p, token, body) {
  const res = await fetch(`${base}/api/v1${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method} ${p} -> ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const POLICY = `version: "1"
description: "gateway bench: generous budgets so every paid call is allowed"
tools:
  paid_echo:
    rules:
      - name: "paid echo"
        spend:
          per_call: 100.00
          daily: 1000000.00
  "*":
    rules:
      - name: "global daily budget"
        spend:
          daily: 1000000.00
`;

async function seed(gateway, upstreamUrl) {
  const created = await admin(gateway, "POST", "/orgs", secrets.ADMIN_TOKEN, {
    name: "Bench Org",
    timeZone: "UTC",
  });
  const orgId = created.org.id;
  const key = (created.key ?? created.adminKey).secret;
  const agent = await admin(gateway, "POST", `/orgs/${orgId}/agents`, key, {
    name: "bench-agent",
    isDefault: true,
  });
  await admin(gateway, "PUT", `/orgs/${orgId}/agents/${agent.id}/mandate`, key, {
    currency: "PATHUSD",
    timeZone: "UTC",
    budgets: { daily: "1000000.00" },
    perTransactionLimit: "100.00",
  });
  await admin(gateway, "POST", `/orgs/${orgId}/policies`, key, {
    source: POLICY,
    format: "yaml",
    activate: true,
  });
  await admin(gateway, "POST", `/orgs/${orgId}/upstreams`, key, { namespace: "demo", url: upstreamUrl });
  const agentKey = await admin(gateway, "POST", `/orgs/${orgId}/keys`, key, {
    scope: "agent",
    agentId: agent.id,
    name: "bench",
  });
  return agentKey.secret;
}

let nextId = 1;

/** One JSON-RPC request; answers the response message for its id (JSON or SSE body). */
async function rpc(url, method, params) {
  const id = nextId++;
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": PROTOCOL_VERSION,
    },
    body: JSON.stringify({ jsonrpc: "2.0", id, method, params }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  }).catch((err) => {
    throw new Error(`${err.message} (${err.cause?.code ?? err.cause?.message ?? "no cause"})`);
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
  const sse = (res.headers.get("content-type") ?? "").includes("text/event-stream");
  const bodies = sse
    ? text.split(/\r?\n\r?\n/).map((block) =>
        block
          .split(/\r?\n/)
          .filter((l) => l.startsWith("data:"))
          .map((l) => l.slice(5).trimStart())
          .join("\n"),
      )
    : [text];
  for (const body of bodies) {
    if (!body) continue;
    const message = JSON.parse(body);
    if (message.id === id) return message;
  }
  throw new Error(`no response for id ${id} in: ${text.slice(0, 300)}`);
}

async function freeCall(url) {
  const m = await rpc(url, "tools/call", { name: "echo", arguments: { text: "bench" } });
  if (m.error || m.result?.isError || m.result?.content?.[0]?.text !== "bench") {
    throw new Error(`free call failed: ${JSON.stringify(m).slice(0, 400)}`);
  }
}

async function paidPair(url) {
  const args = { text: "bench", price: "1.00" };
  const first = await rpc(url, "tools/call", { name: "paid_echo", arguments: args });
  const challenge = first.error?.code === -32042 ? first.error.data?.challenges?.[0] : undefined;
  if (!challenge) throw new Error(`expected a -32042 challenge, got: ${JSON.stringify(first).slice(0, 400)}`);
  const credential = { challenge, payload: { token: "ok" } };
  const paid = await rpc(url, "tools/call", {
    name: "paid_echo",
    arguments: args,
    _meta: { [CREDENTIAL_KEY]: credential },
  });
  if (paid.error || paid.result?.isError || paid.result?.content?.[0]?.text !== "bench") {
    throw new Error(`paid retry failed: ${JSON.stringify(paid).slice(0, 400)}`);
  }
}

/** Nearest-rank percentile of sorted samples. */
const pct = (sorted, p) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
const round = (x, d = 2) => (x === null || x === undefined ? null : Math.round(x * 10 ** d) / 10 ** d);

/**
 * Measures `op` against every way, interleaved (each iteration visits all ways, in rotating order) so
 * drift in the machine spreads evenly. A way whose op fails during warm-up is dropped with its error.
 */
async function measure(label, op, urls, n) {
  const samples = Object.fromEntries(WAYS.map((w) => [w, []]));
  const errors = {};
  const failures = {};
  const live = WAYS.filter((w) => urls[w]);
  for (const way of [...live]) {
    let inARow = 0;
    for (let i = 0; i < WARMUP && inARow < 3; ) {
      try {
        await op(urls[way]);
        inARow = 0;
        i++;
      } catch (err) {
        inARow++;
        errors[way] = err.message;
        await new Promise((r) => setTimeout(r, FAILURE_PAUSE_MS));
      }
    }
    if (inARow >= 3) {
      live.splice(live.indexOf(way), 1);
      console.log(`${label} via ${way} FAILED in warm-up: ${errors[way]}`);
    } else delete errors[way];
  }
  for (let i = 0; i < n && Date.now() < DEADLINE; i++) {
    for (let k = 0; k < live.length; k++) {
      const way = live[(i + k) % live.length];
      const t = performance.now();
      try {
        await op(urls[way]);
        samples[way].push(performance.now() - t);
      } catch (err) {
        // A dropped connection (a reload) is counted, not fatal; a way failing often is a real fault.
        failures[way] = (failures[way] ?? 0) + 1;
        errors[way] = err.message;
        if (failures[way] > MAX_FAILURES)
          throw new Error(`${label} via ${way}: ${failures[way]} failures, last: ${err.message}`);
        await new Promise((r) => setTimeout(r, FAILURE_PAUSE_MS));
      }
    }
  }
  const out = {};
  for (const way of WAYS) {
    const s = samples[way].sort((a, b) => a - b);
    out[way] = s.length
      ? {
          p50: round(pct(s, 50)),
          p99: round(pct(s, 99)),
          mean: round(s.reduce((a, b) => a + b, 0) / s.length),
          n: s.length,
          failures: failures[way] ?? 0,
        }
      : { p50: null, p99: null, mean: null, n: 0, ...(errors[way] ? { error: errors[way] } : {}) };
  }
  return out;
}

const ratio = (a, b) => (a === null || b === null ? null : round(a / b));
const times = (r) => (r === null ? "-" : `${r}x`);
const diff = (a, b) => (a === null || b === null ? null : round(a - b));

function printTable(free, paid) {
  const rows = [["call", "way", "n", "p50 ms", "p99 ms", "mean ms"]];
  for (const [name, fig] of [
    ["free echo", free],
    ["paid pair", paid],
  ]) {
    for (const way of WAYS) {
      const f = fig[way];
      rows.push([
        name,
        way,
        String(f.n),
        ...[f.p50, f.p99, f.mean].map((v) => (v === null ? "-" : v.toFixed(2))),
      ]);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows)
    console.log(r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "));
}

async function main() {
  const [upPort, barePort, gwPort, i1, i2, i3] = await Promise.all(Array.from({ length: 6 }, freePort));
  const persist = path.join(tmp, "state");
  const envFile = path.join(tmp, "bench.env"); // --env-file also keeps a developer's .dev.vars out
  writeFileSync(
    envFile,
    `ADMIN_TOKEN=${secrets.ADMIN_TOKEN}\nSESSION_SECRET=${secrets.SESSION_SECRET}\nALLOW_PRIVATE_UPSTREAMS=true\n`,
  );
  const vars = [
    "--var",
    `ADMIN_TOKEN:${secrets.ADMIN_TOKEN}`,
    "--var",
    `SESSION_SECRET:${secrets.SESSION_SECRET}`,
    "--var",
    "ALLOW_PRIVATE_UPSTREAMS:true",
  ];
  const upstream = `http://127.0.0.1:${upPort}`;
  const bare = `http://127.0.0.1:${barePort}`;
  const gateway = `http://127.0.0.1:${gwPort}`;

  console.log(`Temp state in ${tmp}; applying migrations…`);
  await wrangler(["d1", "migrations", "apply", "tollgate", "--local", "--persist-to", persist]);
  // One persist dir per server: workerd instances sharing one dir race on its SQLite files.
  const common = (dir) => [
    "--persist-to",
    dir,
    "--env-file",
    envFile,
    "--show-interactive-dev-session=false",
  ];
  const up = serve("demo upstream", [
    "-c",
    "demo/wrangler.jsonc",
    "--port",
    String(upPort),
    "--inspector-port",
    String(i1),
    ...common(path.join(tmp, "upstream")),
  ]);
  const bareChild = serve("bare forwarder", [
    "-c",
    "bench/bare-forwarder/wrangler.jsonc",
    "--port",
    String(barePort),
    "--inspector-port",
    String(i2),
    ...common(path.join(tmp, "bare")),
    "--var",
    `UPSTREAM_URL:${upstream}/json/mcp`,
  ]);
  const gw = serve("tollgate", [
    "--port",
    String(gwPort),
    "--inspector-port",
    String(i3),
    ...common(persist),
    ...vars,
  ]);
  await Promise.all([
    waitUp(up, `${upstream}/`),
    waitUp(bareChild, `${bare}/`),
    waitUp(gw, `${gateway}/healthz`),
  ]);
  console.log("Servers up; seeding the bench org…");
  const agentKey = await seed(gateway, `${upstream}/json/mcp`);

  // JSON responses on all three ways, so parsing costs the same everywhere.
  const urls = {
    direct: `${upstream}/json/mcp`,
    bare: `${bare}/mcp`,
    tollgate: `${gateway}/${agentKey}/mcp`,
  };
  console.log(
    `Measuring: ${WARMUP} warm-up then ${FREE_N} free calls and ${PAID_N} paid pairs per way, sequential.`,
  );
  const free = await measure("free echo", freeCall, urls, FREE_N);
  const paid = await measure("paid pair", paidPair, urls, PAID_N);

  console.log("");
  printTable(free, paid);
  const figures = {
    free_p50_vs_bare: ratio(free.tollgate.p50, free.bare.p50),
    paid_p50_vs_bare: ratio(paid.tollgate.p50, paid.bare.p50),
    free_p50_vs_direct: ratio(free.tollgate.p50, free.direct.p50),
    paid_p50_vs_direct: ratio(paid.tollgate.p50, paid.direct.p50),
    free_p99_vs_bare: ratio(free.tollgate.p99, free.bare.p99),
    paid_p99_vs_bare: ratio(paid.tollgate.p99, paid.bare.p99),
    free_p99_vs_direct: ratio(free.tollgate.p99, free.direct.p99),
    paid_p99_vs_direct: ratio(paid.tollgate.p99, paid.direct.p99),
    free_p50_added_ms_vs_bare: diff(free.tollgate.p50, free.bare.p50),
    paid_p50_added_ms_vs_bare: diff(paid.tollgate.p50, paid.bare.p50),
    free_ms: Object.fromEntries(WAYS.map((w) => [w, { p50: free[w].p50, p99: free[w].p99 }])),
    paid_ms: Object.fromEntries(WAYS.map((w) => [w, { p50: paid[w].p50, p99: paid[w].p99 }])),
    n: { free: free.tollgate.n, paid: paid.tollgate.n, warmup: WARMUP },
    failures: {
      free: Object.fromEntries(WAYS.map((w) => [w, free[w].failures ?? 0])),
      paid: Object.fromEntries(WAYS.map((w) => [w, paid[w].failures ?? 0])),
    },
    ...(paid.tollgate.error ? { paid_tollgate_error: paid.tollgate.error } : {}),
    ...(free.tollgate.error ? { free_tollgate_error: free.tollgate.error } : {}),
  };
  console.log("");
  console.log(
    `Tollgate / bare   p50: free ${times(figures.free_p50_vs_bare)}, paid ${times(figures.paid_p50_vs_bare)}` +
      `   p99: free ${times(figures.free_p99_vs_bare)}, paid ${times(figures.paid_p99_vs_bare)}`,
  );
  console.log(
    `Tollgate / direct p50: free ${times(figures.free_p50_vs_direct)}, paid ${times(figures.paid_p50_vs_direct)}` +
      `   p99: free ${times(figures.free_p99_vs_direct)}, paid ${times(figures.paid_p99_vs_direct)}`,
  );
  for (const [name, r] of [
    ["free", figures.free_p50_vs_bare],
    ["paid", figures.paid_p50_vs_bare],
  ]) {
    const verdict = r === null ? "not measured" : r <= TARGET_RATIO ? "met" : "MISSED";
    console.log(`Target ${name} p50 <= ${TARGET_RATIO}x bare: ${verdict}`);
  }
  console.log(JSON.stringify(figures));
}

async function stopAll() {
  killAll("SIGTERM");
  const exits = children
    .filter((c) => c.exitCode === null && c.signalCode === null)
    .map((c) => new Promise((r) => c.once("exit", r)));
  const timer = setTimeout(() => killAll("SIGKILL"), 5_000);
  await Promise.all(exits);
  clearTimeout(timer);
  rmSync(tmp, { recursive: true, force: true });
}

let code = 0;
try {
  await main();
} catch (err) {
  console.error(`bench:gateway failed: ${err instanceof Error ? err.message : err}`);
  for (const c of children) {
    if (c.exitCode !== null)
      console.error(`${c.label} had exited (${c.exitCode}); its last output:\n${c.tail}`);
  }
  code = 1;
} finally {
  await stopAll();
}
process.exit(code);
