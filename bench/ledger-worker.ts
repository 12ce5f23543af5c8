// Bench-only Worker: exposes the tenant ledger and runs reserve+commit pairs or no-op pings against
// one object from inside workerd, so the figures are DO RPC costs, not Node HTTP costs.

import { TenantLedger } from "../src/ledger/tenant-ledger";
import type { ReserveInput } from "../src/ledger/types";

/** The real ledger plus two probes that explain the figures; nothing here changes ledger behaviour. */
export class BenchLedger extends TenantLedger {
  /** The platform floor: an RPC that writes one small row (one storage commit, one B-tree). */
  async probeWrite(i: number): Promise<number> {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS bench_probe (i INTEGER)");
    this.ctx.storage.sql.exec("INSERT INTO bench_probe VALUES (?)", i);
    return i;
  }

  /** n reserve+commit pairs inside ONE RPC: the ledger's own cost per pair, without RPC or commit. */
  async loopPairs(n: number, run: string): Promise<number> {
    const now = Date.now();
    for (let i = 0; i < n; i++) {
      const id = `loop-${run}-${i}`;
      await this.reserve(pairInput(id, "bench-org", now));
      await this.commit({ reservationId: id, now, actualAmounts: { "org:day": "1200" } });
    }
    return n;
  }
}

type BenchEnv = { LEDGER: DurableObjectNamespace<BenchLedger>; DB: D1Database };

function pairInput(id: string, org: string, now: number): ReserveInput {
  return {
    idempotencyKey: id,
    ttlMs: 60_000,
    now,
    lines: [
      {
        key: "org:day",
        label: "org daily",
        window: "day",
        timeZone: "America/New_York",
        limit: "1000000000000",
        amount: "1500",
        unit: "USD",
        kind: "money",
      },
      {
        key: "agent:a1:calls",
        label: "agent calls",
        window: "total",
        timeZone: "UTC",
        limit: "1000000000",
        amount: "1",
        unit: "call",
        kind: "count",
      },
    ],
    tx: {
      id,
      orgId: org,
      agentId: "a1",
      sessionId: null,
      tool: "search",
      upstreamId: "up",
      kind: "payment",
      amount: "1500",
      currency: "USD",
      decimals: 6,
      vendor: "v",
      decision: "allow",
      shadow: false,
      reasonCode: null,
      reason: null,
      rules: [],
      status: "allowed",
      challengeId: null,
      approvalId: null,
    },
  };
}

async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}

export default {
  async fetch(request: Request, env: BenchEnv): Promise<Response> {
    const url = new URL(request.url);
    const n = Number(url.searchParams.get("n") ?? "100");
    const c = Number(url.searchParams.get("c") ?? "1");
    const org = url.searchParams.get("org") ?? "bench-org";
    const run = url.searchParams.get("run") ?? "0";
    const stub = env.LEDGER.getByName(org);
    let denied = 0;
    if (url.pathname === "/pairs") {
      const now = Date.now();
      await pool(n, c, async (i) => {
        const id = `tx-${run}-${i}`;
        const r = await stub.reserve(pairInput(id, org, now));
        if (!r.ok) {
          denied++;
          return;
        }
        await stub.commit({
          reservationId: id,
          now,
          actualAmounts: { "org:day": "1200" },
          receiptRef: `r-${i}`,
        });
      });
    } else if (url.pathname === "/noop") {
      await pool(n, c, async () => {
        await stub.ping();
      });
    } else if (url.pathname === "/probe-write") {
      await pool(n, c, async (i) => {
        await stub.probeWrite(i);
      });
    } else if (url.pathname === "/loop-pairs") {
      await stub.loopPairs(n, run);
    } else if (url.pathname === "/verify") {
      return Response.json(await stub.verify());
    } else {
      return new Response("not found", { status: 404 });
    }
    return Response.json({ n, denied });
  },
};
