// What the conformance run needs, each on a free loopback port with throwaway state: the suite's
// reference everything-server (vendored, compiled by esbuild, run by this Node) and Tollgate under
// `wrangler dev` with one seeded org whose only upstream is that server.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { freePort } from "../../bench/lib/servers.mjs";

export const ROOT = path.resolve(import.meta.dirname, "../..");
const OUT = path.join(ROOT, "test-output/conformance");
const WRANGLER_JS = path.join(ROOT, "node_modules/wrangler/bin/wrangler.js");

/** Starts the everything-server and the gateway; answers { direct, gateway, adminToken, stop }. */
export async function startServers() {
  mkdirSync(OUT, { recursive: true });
  const tmp = mkdtempSync(path.join(tmpdir(), "tollgate-conformance-"));
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
  const spawnLogged = (label, cmd, args, env) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    child.label = label;
    child.tail = "";
    // Whole logs in test-output/conformance/<label>.log; the tail for a failure message.
    const log = createWriteStream(path.join(OUT, `${label}.log`));
    const keep = (d) => {
      child.tail = (child.tail + d).slice(-4000);
      log.write(d);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    children.push(child);
    return child;
  };

  const [serverPort, gwPort, inspector] = await Promise.all([freePort(), freePort(), freePort()]);
  // esbuild drops the server's type-only imports that Node's own type stripping would keep.
  const serverJs = path.join(OUT, "everything-server.mjs");
  await build({
    entryPoints: [path.join(ROOT, "test/conformance/everything-server.ts")],
    outfile: serverJs,
    format: "esm",
    platform: "node",
    bundle: true,
    packages: "external",
    tsconfigRaw: {},
    logLevel: "warning",
  });
  const server = spawnLogged("everything-server", process.execPath, [serverJs], {
    ...process.env,
    PORT: String(serverPort),
  });

  const secrets = {
    ADMIN_TOKEN: randomBytes(24).toString("base64url"),
    SESSION_SECRET: randomBytes(32).toString("base64url"),
    WALLET_KEK: `conf:${randomBytes(32).toString("base64url")}`,
  };
  const childEnv = {
    ...process.env,
    CI: "1",
    NO_COLOR: "1",
    WRANGLER_SEND_METRICS: "false",
    WRANGLER_LOG_PATH: path.join(tmp, "logs"),
    WRANGLER_REGISTRY_PATH: path.join(tmp, "registry"),
  };
  const persist = path.join(tmp, "state");
  // --env-file keeps a developer's .dev.vars out; a loopback upstream needs ALLOW_PRIVATE_UPSTREAMS.
  const envFile = path.join(tmp, "conformance.env");
  const vars = { ...secrets, ALLOW_PRIVATE_UPSTREAMS: "true" };
  writeFileSync(
    envFile,
    `${Object.entries(vars)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n")}\n`,
  );
  await runToEnd(
    process.execPath,
    [WRANGLER_JS, "d1", "migrations", "apply", "tollgate", "--local", "--persist-to", persist],
    childEnv,
  );
  const gateway = spawnLogged(
    "tollgate",
    process.execPath,
    [
      WRANGLER_JS,
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(gwPort),
      "--inspector-port",
      String(inspector),
      "--persist-to",
      persist,
      "--env-file",
      envFile,
      "--show-interactive-dev-session=false",
      ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
    ],
    childEnv,
  );
  try {
    await Promise.all([
      waitUp(server, `http://127.0.0.1:${serverPort}/mcp`),
      waitUp(gateway, `http://127.0.0.1:${gwPort}/healthz`),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    direct: `http://127.0.0.1:${serverPort}/mcp`,
    upstream: `http://127.0.0.1:${serverPort}/mcp`,
    gateway: `http://127.0.0.1:${gwPort}`,
    adminToken: secrets.ADMIN_TOKEN,
    children,
    stop,
  };
}

function runToEnd(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${args.join(" ")} exited ${code}\n${out}`)),
    );
  });
}

async function waitUp(child, url) {
  const until = Date.now() + 120_000;
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
    signal: AbortSignal.timeout(15_000),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method} ${p} -> ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/**
 * One org, one default agent with an agent key, and the everything-server as its only upstream (no
 * policy and no mandate: the suite's tools are free). Answers the agent's MCP URL.
 */
export async function seedGateway(s) {
  const created = await admin(s.gateway, "POST", "/orgs", s.adminToken, {
    name: "Conformance",
    timeZone: "UTC",
  });
  const orgId = created.org.id;
  const adminKey = (created.key ?? created.adminKey).secret;
  const agent = await admin(s.gateway, "POST", `/orgs/${orgId}/agents`, adminKey, {
    name: "conformance",
    isDefault: true,
  });
  const key = await admin(s.gateway, "POST", `/orgs/${orgId}/keys`, adminKey, {
    scope: "agent",
    agentId: agent.id,
    name: "conformance",
  });
  await admin(s.gateway, "POST", `/orgs/${orgId}/upstreams`, adminKey, {
    namespace: "everything",
    url: s.upstream,
  });
  return `${s.gateway}/mcp`.replace("/mcp", `/${key.secret}/mcp`);
}
