// Raw JSON-RPC over Streamable HTTP for the benchmarks (no SDK client, so the figures are the wire's):
// one request, the response message for its id out of a JSON or SSE body, and the paid-retry credential.
import { REQUEST_TIMEOUT_MS } from "./servers.mjs";

const PROTOCOL_VERSION = "2025-06-18";
export const CREDENTIAL_KEY = "org.paymentauth/credential";

let nextId = 1;

/** One JSON-RPC request; answers the response message for its id. `signal` replaces the timeout. */
export async function rpc(url, method, params, { signal } = {}) {
  const id = nextId++;
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": PROTOCOL_VERSION,
    },
    body: JSON.stringify({ jsonrpc: "2.0", id, method, params }),
    signal: signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS),
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

/** The MPP challenge of a -32042 answer, or undefined. */
export const challengeOf = (message) =>
  message.error?.code === -32042 ? message.error.data?.challenges?.[0] : undefined;

/** The `_meta` that pays `challenge` with the demo upstream's mock `test` method. */
export const paying = (challenge) => ({ [CREDENTIAL_KEY]: { challenge, payload: { token: "ok" } } });

/** The text of a successful tool result, or undefined. */
export const resultText = (message) =>
  message.error || message.result?.isError ? undefined : message.result?.content?.[0]?.text;

/** Nearest-rank percentile of sorted samples. */
export const pct = (sorted, p) =>
  sorted.length ? sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] : null;
export const round = (x, d = 2) => (x === null || x === undefined ? null : Math.round(x * 10 ** d) / 10 ** d);
