// Bench-only Worker: exposes the tenant ledger and runs reserve+commit pairs or no-op pings against
// one object from inside workerd, so the figures are DO RPC costs, not Node HTTP costs.

import { createHash } from "node:crypto";
import { sha256Hex } from "../src/ledger/canonical";
import { ledger } from "../src/ledger/client";
import { parseInput } from "../src/ledger/errors";
import { reserveFingerprint, reserveOnce } from "../src/ledger/reserve";
import { commitOp, expireDue } from "../src/ledger/settle";
import type { LedgerStore } from "../src/ledger/store";
import { TenantLedger } from "../src/ledger/tenant-ledger";
import { CommitInput, ReserveInput } from "../src/ledger/types";

/** The real ledger plus two probes that explain the figures; nothing here changes ledger behaviour. */
export class BenchLedger extends TenantLedger {
  /** Parent of a sharded org: every shard's last message sequence and holding, per cell. */
  async leaseStats(): Promise<unknown> {
    const sql = this.ctx.storage.sql;
    const has = sql
      .exec<{ n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'lease_holdings'")
      .one().n;
    return has ? sql.exec("SELECT shard, seq, held FROM lease_holdings").toArray() : [];
  }

  /** The platform floor: an RPC that writes one small row (one storage commit, one B-tree). */
  async probeWrite(i: number): Promise<number> {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS bench_probe (i INTEGER)");
    this.ctx.storage.sql.exec("INSERT INTO bench_probe VALUES (?)", i);
    return i;
  }

  private probeQueue: Array<{ i: number; done: (n: number) => void }> = [];
  private probeScheduled = false;

  /** probeWrite variants: `tsync` in its own transactionSync; `group`: many RPCs share one (timer hop). */
  async probeWriteMode(i: number, mode: string): Promise<number> {
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS bench_probe (i INTEGER)");
    if (mode === "tsync") {
      this.ctx.storage.transactionSync(() => sql.exec("INSERT INTO bench_probe VALUES (?)", i));
      return i;
    }
    if (mode === "sync-group") {
      return new Promise<number>((resolve) => {
        this.probeQueue.push({ i, done: resolve });
        if (!this.probeScheduled) void this.pumpProbe();
      });
    }
    if (mode === "timer-noop") {
      await new Promise((r) => setTimeout(r, 0));
      return i;
    }
    if (mode === "immediate-noop") {
      await new Promise((r) => setImmediate(r));
      return i;
    }
    if (mode === "timer") {
      await new Promise((r) => setTimeout(r, 0));
      this.ctx.storage.transactionSync(() => sql.exec("INSERT INTO bench_probe VALUES (?)", i));
      return i;
    }
    return new Promise<number>((resolve) => {
      this.probeQueue.push({ i, done: resolve });
      if (this.probeScheduled) return;
      this.probeScheduled = true;
      setTimeout(() => {
        this.probeScheduled = false;
        const batch = this.probeQueue;
        this.probeQueue = [];
        this.ctx.storage.transactionSync(() => {
          for (const b of batch)
            this.ctx.storage.transactionSync(() => sql.exec("INSERT INTO bench_probe VALUES (?)", b.i));
        });
        for (const b of batch) b.done(b.i);
      }, 0);
    });
  }

  private batchSizes: number[] = [];
  private async pumpProbe(): Promise<void> {
    const sql = this.ctx.storage.sql;
    this.probeScheduled = true;
    try {
      while (this.probeQueue.length > 0) {
        const batch = this.probeQueue;
        this.probeQueue = [];
        this.batchSizes.push(batch.length);
        this.ctx.storage.transactionSync(() => {
          for (const b of batch)
            this.ctx.storage.transactionSync(() => sql.exec("INSERT INTO bench_probe VALUES (?)", b.i));
        });
        for (const b of batch) b.done(b.i);
        await this.ctx.storage.sync();
      }
    } finally {
      this.probeScheduled = false;
    }
  }

  /** Mean batch size of the probe's and the ledger's group commits since the last call. */
  async batchStats(): Promise<string> {
    const mean = (xs: number[]) => (xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)).toFixed(1);
    const out = `probe ${this.batchSizes.length} batches, mean ${mean(this.batchSizes)}; ledger ${this.group.recentSizes.length} batches, mean ${mean(this.group.recentSizes)}`;
    this.batchSizes = [];
    this.group.recentSizes.length = 0;
    return out;
  }

  /** Like probeWrite, but one row into each of `tables` tables: how commit cost grows with B-trees. */
  async probeWriteWide(i: number, tables: number): Promise<number> {
    for (let t = 0; t < tables; t++) {
      this.ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS bench_probe_${t} (i INTEGER)`);
      this.ctx.storage.sql.exec(`INSERT INTO bench_probe_${t} VALUES (?)`, i);
    }
    return i;
  }

  /** n iterations of one component inside one RPC (profiling; see bench/ledger-profile.mjs). */
  async prof(what: string, n: number): Promise<number> {
    const input = pairInput("prof", "bench-org", Date.now());
    const parsed = parseInput(ReserveInput, input);
    const text = JSON.stringify(parsed);
    let sink = 0;
    for (let i = 0; i < n; i++) {
      if (what === "parse") sink += parseInput(ReserveInput, input).lines.length;
      else if (what === "commit-parse")
        sink += parseInput(CommitInput, { reservationId: "x", now: 1, actualAmounts: { a: "1" } }).now;
      else if (what === "stringify") sink += JSON.stringify(parsed).length;
      else if (what === "subtle") sink += (await sha256Hex(text)).length;
      else if (what === "nodehash") sink += createHash("sha256").update(text).digest("hex").length;
      else if (what === "exec") sink += this.ctx.storage.sql.exec("SELECT 1 AS one").one().one as number;
      else if (what === "await") sink += await Promise.resolve(1);
    }
    return sink;
  }

  /**
   * n reserve+commit pairs inside ONE RPC, 16 in flight: the ledger's own cost per pair with its
   * group commits, without RPC. `cpu`: synchronously, 50 pairs per transaction (like an optimistic group-commit batch).
   */
  async loopPairs(n: number, run: string, mode = "group"): Promise<number> {
    const now = Date.now();
    const pair = async (i: number) => {
      const id = `loop-${run}-${i}`;
      await this.reserve(pairInput(id, "bench-org", now));
      await this.commit({ reservationId: id, now, actualAmounts: { "org:day": "1200" } });
    };
    if (mode === "cpu") {
      const store = (this as unknown as { store: LedgerStore }).store;
      const tx = <T>(f: () => T) => this.ctx.storage.transactionSync(f);
      for (let start = 0; start < n; start += 50) {
        tx(() => {
          for (let i = start; i < Math.min(n, start + 50); i++) {
            const id = `cpu-${run}-${i}`;
            const input = parseInput(ReserveInput, pairInput(id, "bench-org", now));
            expireDue(store, now);
            reserveOnce(store, input, reserveFingerprint(input));
            const c = parseInput(CommitInput, {
              reservationId: id,
              now,
              actualAmounts: { "org:day": "1200" },
            });
            expireDue(store, now);
            commitOp(store, c);
          }
        });
      }
      return n;
    }
    await pool(n, 16, pair);
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

/** A reserve of agent `agent` in a sharded org: its own daily line plus the org's shared budget. */
function shardPairInput(
  id: string,
  org: string,
  agent: string,
  now: number,
  orgLimit: string,
  amount: string,
) {
  const base = pairInput(id, org, now);
  return {
    ...base,
    lines: [
      {
        key: `a:${agent}:budget:daily:USD/6`,
        label: "agent daily",
        window: "day" as const,
        timeZone: "UTC",
        limit: "1000000000000",
        amount,
        unit: "USD/6",
        kind: "money" as const,
      },
      {
        key: "p:_global:org-daily:spend:amount:USD/6",
        label: "org daily",
        window: "day" as const,
        timeZone: "America/New_York",
        limit: orgLimit,
        amount,
        unit: "USD/6",
        kind: "money" as const,
      },
    ],
    tx: { ...base.tx, agentId: agent },
  };
}

/** Pairs (or, with `fit`, an exhaustion run) of many agents against an org with `shards` ledger shards. */
async function shardRun(
  url: URL,
  env: BenchEnv,
  org: string,
  run: string,
  n: number,
  c: number,
): Promise<Response> {
  const shards = Number(url.searchParams.get("shards") ?? "1");
  const agents = Number(url.searchParams.get("agents") ?? "64");
  const fit = url.searchParams.get("fit");
  const orgId = fit ? `${org}-ex-${run}` : org;
  const amount = fit ? "7" : "1500";
  const limit = fit ? String(Number(fit) * 7) : "1000000000000000";
  const now = Date.now();
  const e = env as unknown as Env;
  let ok = 0;
  let denied = 0;
  let unavailable = 0;
  const held: { id: string; agent: string }[] = [];
  await pool(n, c, async (i) => {
    const agent = `agt_${i % agents}`;
    const id = `tx-${run}-${i}`;
    const book = ledger(e, orgId, { shards, agentId: agent });
    const r = await book.reserve(shardPairInput(id, orgId, agent, now, limit, amount));
    if (!r.ok) {
      unavailable++;
      return;
    }
    if (!r.value.ok) {
      denied++;
      return;
    }
    ok++;
    if (fit) {
      held.push({ id, agent });
      return;
    }
    const cm = await book.commit({ reservationId: id, now, actualAmounts: {}, receiptRef: `r-${i}` });
    if (!cm.ok) unavailable++;
  });
  const orgLine = shardPairInput("x", orgId, "x", now, limit, amount).lines[1]!;
  const bal = await ledger(e, orgId, { shards, agentId: null }).balances({ lines: [orgLine], now });
  const b = bal.ok ? bal.value[0]! : null;
  const used = b ? BigInt(b.committed) + BigInt(b.reserved) : 0n;
  const over = used - BigInt(limit);
  return Response.json({
    ok,
    denied,
    unavailable,
    fit: fit ? Number(fit) : null,
    committed: b?.committed ?? null,
    reserved: b?.reserved ?? null,
    leased: b?.leased ?? null,
    remaining: b?.remaining ?? null,
    overspend: (over > 0n ? over : 0n).toString(),
    held: held.length,
  });
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
    if (url.pathname === "/shard-pairs" || url.pathname === "/shard-exhaust") {
      return shardRun(url, env, org, run, n, c);
    }
    if (url.pathname === "/lease-stats") return Response.json(await stub.leaseStats());
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
    } else if (url.pathname === "/probe-wide") {
      const tables = Number(url.searchParams.get("tables") ?? "1");
      await pool(n, c, async (i) => {
        await stub.probeWriteWide(i, tables);
      });
    } else if (url.pathname === "/probe-mode") {
      const mode = url.searchParams.get("mode") ?? "tsync";
      await pool(n, c, async (i) => {
        await stub.probeWriteMode(i, mode);
      });
    } else if (url.pathname === "/batch-stats") {
      return new Response(await stub.batchStats());
    } else if (url.pathname === "/prof") {
      await stub.prof(url.searchParams.get("what") ?? "", n);
    } else if (url.pathname === "/loop-pairs") {
      await stub.loopPairs(n, run, url.searchParams.get("mode") ?? "group");
    } else if (url.pathname === "/verify") {
      return Response.json(await stub.verify());
    } else {
      return new Response("not found", { status: 404 });
    }
    return Response.json({ n, denied });
  },
};
