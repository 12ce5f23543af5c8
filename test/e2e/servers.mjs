// Starts what the browser tests need, each on a free port with throwaway state: the local D1 migrated,
// the gateway (`wrangler dev` with --var secrets), the demo paid upstream, and a webhook receiver.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ROOT = new URL("../..", import.meta.url).pathname;
// Run wrangler with this Node (22, from node_modules when started by npm), whatever `node` is on PATH.
const WRANGLER_JS = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
export const OUT = join(ROOT, "test-output");

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function run(args, log) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRANGLER_JS, ...args], {
      cwd: ROOT,
      env: childEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`wrangler ${args[0]} exited ${code}`)),
    );
  });
}

function childEnv() {
  return { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };
}

async function waitFor(url, child, timeoutMs = 90_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null)
      throw new Error(`${url}: server exited ${child.exitCode} (see test-output/e2e-*.log)`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not come up within ${timeoutMs} ms`);
}

/** A local receiver that records webhook deliveries (headers and body). */
function webhookReceiver(port) {
  const received = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => {
      body += d;
    });
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end("ok");
    });
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve({ server, received })));
}

export async function startServers() {
  mkdirSync(OUT, { recursive: true });
  const log = createWriteStream(join(OUT, "e2e-servers.log"));
  const persist = mkdtempSync(join(tmpdir(), "tollgate-e2e-"));
  const [gwPort, upPort, hookPort, insp1, insp2] = await Promise.all([1, 2, 3, 4, 5].map(() => freePort()));
  const secrets = {
    ADMIN_TOKEN: `e2e-admin-${Math.random().toString(36).slice(2)}-token`,
    SESSION_SECRET: `e2e-session-${Math.random().toString(36).slice(2)}-secret-0123456789`,
    WALLET_KEK: `e2e:${randomBytes(32).toString("base64url")}`,
  };
  await run(["d1", "migrations", "apply", "tollgate", "--local", "--persist-to", persist], log);
  const common = ["--ip", "127.0.0.1", "--persist-to", persist, "--show-interactive-dev-session=false"];
  const upstream = spawn(
    process.execPath,
    [
      WRANGLER_JS,
      "dev",
      "-c",
      "demo/wrangler.jsonc",
      "--port",
      String(upPort),
      "--inspector-port",
      String(insp2),
      ...common,
    ],
    { cwd: ROOT, env: childEnv(), stdio: ["ignore", "pipe", "pipe"] },
  );
  const gateway = spawn(
    process.execPath,
    [
      WRANGLER_JS,
      "dev",
      "--port",
      String(gwPort),
      "--inspector-port",
      String(insp1),
      ...common,
      "--var",
      `ADMIN_TOKEN:${secrets.ADMIN_TOKEN}`,
      "--var",
      `SESSION_SECRET:${secrets.SESSION_SECRET}`,
      "--var",
      `WALLET_KEK:${secrets.WALLET_KEK}`,
      "--var",
      "ALLOW_PRIVATE_UPSTREAMS:true",
    ],
    { cwd: ROOT, env: childEnv(), stdio: ["ignore", "pipe", "pipe"] },
  );
  for (const c of [upstream, gateway]) {
    c.stdout.pipe(log, { end: false });
    c.stderr.pipe(log, { end: false });
  }
  const hooks = await webhookReceiver(hookPort);
  const stop = () => {
    for (const c of [gateway, upstream]) if (c.exitCode === null) c.kill("SIGINT");
    hooks.server.close();
    rmSync(persist, { recursive: true, force: true });
  };
  try {
    await waitFor(`http://127.0.0.1:${upPort}/`, upstream);
    await waitFor(`http://127.0.0.1:${gwPort}/healthz`, gateway);
  } catch (err) {
    stop();
    throw err;
  }
  return {
    gateway: `http://127.0.0.1:${gwPort}`,
    upstream: `http://127.0.0.1:${upPort}/mcp`,
    hookUrl: `http://127.0.0.1:${hookPort}/hook`,
    hooksReceived: hooks.received,
    secrets,
    stop,
  };
}
