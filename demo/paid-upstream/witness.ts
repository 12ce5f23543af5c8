// What the demo upstream saw and did, per request host, so tests can assert that an attack never
// reached it ("did not run, was not paid") instead of trusting the gateway's answer. Hosts are
// test-chosen (e.g. w-<uuid>.example), so one run's tests never see each other's records.
// GET https://<host>/_witness answers { requests, runs, settlements } for that host.
import { AsyncLocalStorage } from "node:async_hooks";

export type WitnessRequest = { path: string; rpcMethod: string | null; hasId: boolean; metaKeys: string[] };
export type WitnessRun = { tool: string; args: unknown };
export type WitnessSettlement = {
  protocol: "mpp" | "x402";
  tool: string | null;
  challengeId: string | null;
  amount: string | null;
  reference: string;
};
export type Witness = { requests: WitnessRequest[]; runs: WitnessRun[]; settlements: WitnessSettlement[] };

const byHost = new Map<string, Witness>();
const current = new AsyncLocalStorage<string>();
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
    rpcMethod: typeof msg.method === "string" ? msg.method : null,
    hasId: "id" in msg,
    metaKeys: Object.keys(params._meta ?? {}),
  });
  return current.run(url.host, fn);
}

export function recordRun(tool: string, args: unknown): void {
  const host = current.getStore();
  if (host) witnessOf(host).runs.push({ tool, args });
}

export function recordSettlement(s: WitnessSettlement): void {
  const host = current.getStore();
  if (host) witnessOf(host).settlements.push(s);
}

export function serveWitness(request: Request): Response {
  const w = byHost.get(new URL(request.url).host) ?? { requests: [], runs: [], settlements: [] };
  return Response.json(w);
}
