// What the demo upstream saw and did, per request host, so tests can assert that an attack never
// reached it ("did not run, was not paid") instead of trusting the gateway's answer. Hosts are
// test-chosen (e.g. w-<uuid>.example), so one run's tests never see each other's records.
// GET https://<host>/_witness answers { requests, runs, settlements } for that host.
import { AsyncLocalStorage } from "node:async_hooks";

export type WitnessRequest = {
  path: string;
  /** The HTTP method (GET for the plain HTTP paid routes under /http/). */
  httpMethod: string;
  rpcMethod: string | null;
  hasId: boolean;
  metaKeys: string[];
  /** Request headers that carry a payment credential (lowercased names), for the HTTP paid routes. */
  paymentHeaders: string[];
  /** Every request header value, joined: a test looks for a client's token the gateway must not forward. */
  headerValues: string;
  /** W3C trace context headers as received (null when absent). */
  traceparent: string | null;
  tracestate: string | null;
};
export type WitnessRun = { tool: string; args: unknown };
export type WitnessSettlement = {
  protocol: "mpp" | "x402";
  /** Set by the plain HTTP paid routes: the request path that was paid. */
  path?: string;
  tool: string | null;
  challengeId: string | null;
  amount: string | null;
  reference: string;
};
export type Witness = {
  requests: WitnessRequest[];
  runs: WitnessRun[];
  settlements: WitnessSettlement[];
  /** OTLP/HTTP JSON export bodies posted to /v1/traces (a fake collector for trace tests). */
  traces?: unknown[];
  /** Every export request as it arrived, and whether the collector has answered it yet. */
  exports?: { path: string; answered: boolean }[];
};

/** How long /hang/v1/traces keeps an exporter waiting. */
export const HANG_MS = 2_000;

const byHost = new Map<string, Witness>();
const current = new AsyncLocalStorage<{ host: string; path: string }>();
const MAX_HOSTS = 5_000;

function witnessOf(host: string): Witness {
  let w = byHost.get(host);
  if (!w) {
    if (byHost.size >= MAX_HOSTS) byHost.clear();
    w = { requests: [], runs: [], settlements: [] };
    byHost.set(host, w);
  }
  return w;
}

const PAYMENT_HEADERS = ["authorization", "payment-authorization", "x-payment", "payment-signature"];

function paymentHeader(headers: Headers, name: string): boolean {
  const value = headers.get(name);
  return value !== null && (name !== "authorization" || /^\s*payment\s/i.test(value));
}

/** Runs `fn` with `request`'s host as the witness of everything recorded inside it. */
export async function witnessed<T>(request: Request, fn: () => Promise<T>): Promise<T> {
  const url = new URL(request.url);
  const body: unknown = await request
    .clone()
    .json()
    .catch(() => null);
  const msg =
    body !== null && typeof body === "object" && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : {};
  const params = (msg.params ?? {}) as { _meta?: Record<string, unknown> };
  witnessOf(url.host).requests.push({
    path: url.pathname,
    httpMethod: request.method,
    rpcMethod: typeof msg.method === "string" ? msg.method : null,
    hasId: "id" in msg,
    metaKeys: Object.keys(params._meta ?? {}),
    paymentHeaders: PAYMENT_HEADERS.filter((name) => paymentHeader(request.headers, name)),
    headerValues: [...request.headers].map(([k, v]) => `${k}: ${v}`).join("\n"),
    traceparent: request.headers.get("traceparent"),
    tracestate: request.headers.get("tracestate"),
  });
  return current.run({ host: url.host, path: url.pathname }, fn);
}

export function recordRun(tool: string, args: unknown): void {
  const at = current.getStore();
  if (at) witnessOf(at.host).runs.push({ tool, args });
}

export function recordSettlement(s: WitnessSettlement): void {
  const at = current.getStore();
  // The plain HTTP routes share the MPP method with the MCP tools: the path says which one was paid.
  if (at) witnessOf(at.host).settlements.push(at.path.startsWith("/http/") ? { ...s, path: at.path } : s);
}

/**
 * POST /v1/traces: keeps the OTLP JSON body for this host's witness. /fail/v1/traces answers 500,
 * /hang/v1/traces answers only after HANG_MS: collectors a broken deployment might have.
 */
export async function collectTraces(request: Request): Promise<Response> {
  const { host, pathname } = new URL(request.url);
  const body: unknown = await request.json().catch(() => null);
  const w = witnessOf(host);
  const seen = { path: pathname, answered: false };
  w.exports = [...(w.exports ?? []), seen];
  if (pathname.startsWith("/hang/")) await new Promise((r) => setTimeout(r, HANG_MS));
  seen.answered = true;
  if (pathname.startsWith("/fail/")) return new Response("collector down", { status: 500 });
  w.traces = [...(w.traces ?? []), body];
  return Response.json({});
}

export function serveWitness(request: Request): Response {
  const w = byHost.get(new URL(request.url).host) ?? { requests: [], runs: [], settlements: [] };
  return Response.json(w);
}
