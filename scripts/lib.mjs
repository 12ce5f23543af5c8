// Shared helpers for the local scripts (npm start, npm run demo): run wrangler, read local state.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const ROOT = new URL("..", import.meta.url).pathname;
export const GATEWAY_PORT = Number(process.env.TOLLGATE_PORT ?? 8787);
export const UPSTREAM_PORT = Number(process.env.TOLLGATE_UPSTREAM_PORT ?? 8788);
export const GATEWAY = `http://127.0.0.1:${GATEWAY_PORT}`;
export const STATE_FILE = join(ROOT, ".tollgate-demo.json");
const DEV_VARS = join(ROOT, ".dev.vars");

/** Creates .dev.vars once with random local secrets; returns its values. */
export function ensureDevVars() {
  if (!existsSync(DEV_VARS)) {
    const token = (n) => randomBytes(n).toString("base64url");
    writeFileSync(
      DEV_VARS,
      [
        "# Local secrets for wrangler dev (not committed). Delete this file to rotate them.",
        `ADMIN_TOKEN=${token(24)}`,
        `SESSION_SECRET=${token(32)}`,
        "ALLOW_PRIVATE_UPSTREAMS=true",
        "",
      ].join("\n"),
    );
  }
  // Added to older files too: the key-encryption key wallet secrets are sealed under.
  if (!/^WALLET_KEK=/m.test(readFileSync(DEV_VARS, "utf8"))) {
    appendFileSync(DEV_VARS, `WALLET_KEK=local:${randomBytes(32).toString("base64url")}\n`);
  }
  const vars = {};
  for (const line of readFileSync(DEV_VARS, "utf8").split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) vars[m[1]] = m[2];
  }
  return vars;
}

export function readState() {
  return existsSync(STATE_FILE) ? JSON.parse(readFileSync(STATE_FILE, "utf8")) : null;
}

export function writeState(state) {
  writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

export function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: opts.quiet ? "pipe" : "inherit", env: process.env });
    let out = "";
    child.stdout?.on("data", (d) => {
      out += d;
    });
    child.stderr?.on("data", (d) => {
      out += d;
    });
    child.on("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}\n${out}`)),
    );
  });
}

export function wrangler(args, opts) {
  return run(join(ROOT, "node_modules/.bin/wrangler"), args, opts);
}

export async function waitFor(url, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not come up within ${timeoutMs} ms`);
}

export async function api(method, path, token, body) {
  const res = await fetch(`${GATEWAY}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(json)}`);
  return json;
}
