// Shared by the gateway benchmarks: start the demo paid upstream, optionally the bare forwarder, and
// Tollgate under local `wrangler dev` (free loopback ports, temp persist dirs and secrets, so a
// developer's .dev.vars, .wrangler/state and dev registry are never touched), seed orgs through
// /api/v1, and stop everything again.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export const root = path.resolve(import.meta.dirname, "../..");
export const REQUEST_TIMEOUT_MS = 15_000;
const wranglerBin = path.join(root, "node_modules/.bin/wrangler");

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * One bench run's servers. `bare`: also start bench/bare-forwarder. `vars`: extra Tollgate vars.
 * Answers { tmp, persist, upstream, bare, gateway, adminToken, inspectorPort, children, stop }.
 */
export async function startServers({ bare = false, deadline = Infinity, vars = {} } = {}) {
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
  const killAll = (signal) => {
    for (const c of children) {
      if (c.exitCode !== null || c.signalCode !== null) continue;
      try {
        process.kill(-c.pid, signal); // the process group: wrangler and the workerd it started
      } catch {}
    }
  };
  process.on("exit", () => {
    killAll("SIGKILL");
    rmSync(tmp, { recursive: true, force: true });
  });
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(130));

  const serve = (label, args) => {
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
    child.label = label;
    children.push(child);
    return child;
  };
  const stop = async () => {
    killAll("SIGTERM");
    const exits = children
      .filter((c) => c.exitCode === null && c.signalCode === null)
      .map((c) => new Promise((r) => c.once("exit", r)));
    const timer = setTimeout(() => killAll("SIGKILL"), 5_000);
    await Promise.all(exits);
    clearTimeout(timer);
    rmSync(tmp, { recursive: true, force: true });
  };
  const handle = { tmp, children, stop, adminToken: secrets.ADMIN_TOKEN };

  const [upPort, barePort, gwPort, i1, i2, i3] = await Promise.all(Array.from({ length: 6 }, freePort));
  const persist = path.join(tmp, "state");
  const envFile = path.join(tmp, "bench.env"); // --env-file also keeps a developer's .dev.vars out
  writeFileSync(
    envFile,
    `ADMIN_TOKEN=${secrets.ADMIN_TOKEN}\nSESSION_SECRET=${secrets.SESSION_SECRET}\nALLOW_PRIVATE_UPSTREAMS=true\n`,
  );
  const allVars = { ...secrets, ALLOW_PRIVATE_UPSTREAMS: "true", ...vars };
  const varArgs = Object.entries(allVars).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  Object.assign(handle, {
    persist,
    upstream: `http://127.0.0.1:${upPort}`,
    bare: bare ? `http://127.0.0.1:${barePort}` : null,
    gateway: `http://127.0.0.1:${gwPort}`,
    inspectorPort: i3,
  });

  console.log(`Temp state in ${tmp}; applying migrations…`);
  await runWrangler(childEnv, ["d1", "migrations", "apply", "tollgate", "--local", "--persist-to", persist]);
  // One persist dir per server: workerd instances sharing one dir race on its SQLite files.
  const common = (dir, inspector) => [
    "--persist-to",
    dir,
    "--env-file",
    envFile,
    "--show-interactive-dev-session=false",
    "--inspector-port",
    String(inspector),
  ];
  const waits = [];
  const up = serve("demo upstream", [
    "-c",
    "demo/wrangler.jsonc",
    "--port",
    String(upPort),
    ...common(path.join(tmp, "upstream"), i1),
  ]);
  waits.push(waitUp(up, `${handle.upstream}/`, deadline));
  if (bare) {
    const b = serve("bare forwarder", [
      "-c",
      "bench/bare-forwarder/wrangler.jsonc",
      "--port",
      String(barePort),
      ...common(path.join(tmp, "bare"), i2),
      "--var",
      `UPSTREAM_URL:${handle.upstream}/json/mcp`,
    ]);
    waits.push(waitUp(b, `${handle.bare}/`, deadline));
  }
  const gw = serve("tollgate", ["--port", String(gwPort), ...common(persist, i3), ...varArgs]);
  waits.push(waitUp(gw, `${handle.gateway}/healthz`, deadline));
  try {
    await Promise.all(waits);
  } catch (err) {
    await stop();
    throw err;
  }
  return handle;
}

/** Runs wrangler to completion (migrations). */
function runWrangler(env, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(wranglerBin, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`wrangler ${args.join(" ")} exited ${code}\n${out}`)),
    );
  });
}

async function waitUp(child, url, deadline) {
  const until = Math.min(deadline, Date.now() + 120_000);
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

/**
 * Runs a bench's `main(servers)` and exits: 0 when it measured (a missed target or a broken invariant
 * is reported, not a failure), 1 when the harness itself failed. Servers are always stopped.
 */
export async function runBench(name, start, main) {
  let servers = null;
  let code = 0;
  try {
    servers = await start();
    await main(servers);
  } catch (err) {
    console.error(`${name} failed: ${err instanceof Error ? err.message : err}`);
    for (const c of servers?.children ?? []) {
      if (c.exitCode !== null)
        console.error(`${c.label} had exited (${c.exitCode}); its last output:\n${c.tail}`);
    }
    code = 1;
  } finally {
    await servers?.stop();
  }
  process.exit(code);
}

/** One admin API request; throws with the answer on any non-2xx. */
export async function admin(base, method, p, token, body) {
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

/**
 * Seeds one org: its agents (each with an optional mandate and an agent key), the policy (YAML,
 * activated) and one upstream. Answers { orgId, adminKey, agents: [{ id, name, key, mandate }] }.
 */
export async function seedOrg(gateway, adminToken, { name, policy, upstreamUrl, agents }) {
  const created = await admin(gateway, "POST", "/orgs", adminToken, { name, timeZone: "UTC" });
  const orgId = created.org.id;
  const adminKey = (created.key ?? created.adminKey).secret;
  const seeded = [];
  for (const [i, a] of agents.entries()) {
    const agent = await admin(gateway, "POST", `/orgs/${orgId}/agents`, adminKey, {
      name: a.name,
      isDefault: i === 0,
    });
    if (a.mandate)
      await admin(gateway, "PUT", `/orgs/${orgId}/agents/${agent.id}/mandate`, adminKey, a.mandate);
    const key = await admin(gateway, "POST", `/orgs/${orgId}/keys`, adminKey, {
      scope: "agent",
      agentId: agent.id,
      name: a.name,
    });
    seeded.push({ id: agent.id, name: a.name, key: key.secret, mandate: a.mandate ?? null });
  }
  await admin(gateway, "POST", `/orgs/${orgId}/policies`, adminKey, {
    source: policy,
    format: "yaml",
    activate: true,
  });
  await admin(gateway, "POST", `/orgs/${orgId}/upstreams`, adminKey, { namespace: "demo", url: upstreamUrl });
  return { orgId, adminKey, agents: seeded };
}
