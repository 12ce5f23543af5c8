// In-process simulation of one org's sharded ledger (simulated clock and latency, no workerd): A
// agents in closed loops making reserve+commit pairs against N shards, each a single-threaded server,
// with shared limits leased from one parent through the real lease protocol (src/ledger/lease).
// Prints, per N, pairs/s, parent exchanges/s, utilisations, the throughput model, and overspend
// (checked after every event). Run through bench/scale.mjs (`npm run bench:scale`) or alone:
// `node bench/scale.mjs --sim-only`.
import { leaseProblems, strandedRoom } from "../src/ledger/lease/check";
import {
  applyAnswer,
  freeRoom,
  handleLeaseRequest,
  type LeaseAnswer,
  newShardCell,
  nextRequest,
  type ParentCell,
  parentHeld,
  parentRoom,
  type ShardCell,
  shardRoom,
  useRoom,
} from "../src/ledger/lease/protocol";
import { shardOf } from "../src/ledger/lease/shards";

export interface SimConfig {
  shards: number;
  agents: number;
  /** simulated seconds */
  seconds: number;
  /** shared limit (base units) */
  limit: bigint;
  /** ms of a shard's thread per request (1 ms = the documented ~1,000 req/s soft limit) */
  shardServiceMs: number;
  /** ms of the parent's thread per lease exchange */
  parentServiceMs: number;
  /** one-way Worker -> shard and shard -> parent latency, uniform in [min, max] ms */
  netMs: [number, number];
  /** think time of an agent between pairs, ms */
  thinkMs: number;
  leaseTtlMs: number;
  /** a shard whose queue is longer than this refuses the request (the DO's "overloaded": fail closed) */
  maxQueueMs: number;
  seed: number;
}

export interface SimResult {
  shards: number;
  agents: number;
  pairs: number;
  denied: number;
  overloaded: number;
  /** refusals while the parent still had room for the call (lease round trips ran out) */
  falseDenials: number;
  /** share of the limit spent when the first refusal for lack of room came */
  spentAtFirstDenial: string | null;
  pairsPerS: number;
  exchangesPerS: number;
  exchangesPerPair: number;
  parentUtil: number;
  maxShardUtil: number;
  modelPairsPerS: number;
  overspend: string;
  spent: string;
  limit: string;
  strandedAfterHeal: string;
  problems: number;
}

class Heap<T> {
  private a: { t: number; n: number; v: T }[] = [];
  private n = 0;
  get size(): number {
    return this.a.length;
  }
  push(t: number, v: T): void {
    const a = this.a;
    a.push({ t, n: this.n++, v });
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.less(a[p]!, a[i]!)) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  pop(): { t: number; v: T } {
    const a = this.a;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
  private less(x: { t: number; n: number }, y: { t: number; n: number }): boolean {
    return x.t < y.t || (x.t === y.t && x.n < y.n);
  }
}

/** A single-threaded server: work is queued and runs one item at a time. */
class Server {
  busyUntil = 0;
  busyMs = 0;
  run(now: number, ms: number): number {
    const start = Math.max(now, this.busyUntil);
    this.busyUntil = start + ms;
    this.busyMs += ms;
    return this.busyUntil;
  }
}

export function simulate(cfg: SimConfig): SimResult {
  let seed = cfg.seed >>> 0 || 1;
  const rand = () => {
    seed ^= seed << 13;
    seed >>>= 0;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    seed >>>= 0;
    return seed / 2 ** 32;
  };
  const net = () => cfg.netMs[0] + rand() * (cfg.netMs[1] - cfg.netMs[0]);
  const ev = new Heap<() => void>();
  let now = 0;
  const at = (t: number, f: () => void) => ev.push(t, f);

  const parent: ParentCell = { limit: cfg.limit, holdings: new Map() };
  const parentSrv = new Server();
  const cells = new Map<number, ShardCell>();
  const shardSrv: Server[] = [];
  /** reserves of a shard waiting for its in-flight lease exchange */
  const waiting = new Map<number, (() => void)[]>();
  for (let s = 0; s < cfg.shards; s++) {
    cells.set(s, newShardCell());
    shardSrv.push(new Server());
  }
  let pairs = 0;
  let denied = 0;
  let overloaded = 0;
  let falseDenials = 0;
  let spentAtFirstDenial: string | null = null;
  let exchanges = 0;
  let committed = 0n;
  let reserved = 0n;
  let overspend = 0n;
  let problems = 0;
  const endMs = cfg.seconds * 1000;

  const check = () => {
    const used = committed + reserved;
    if (used - cfg.limit > overspend) overspend = used - cfg.limit;
  };

  /** Shard s sends a lease message; the answer (or the recall it triggers) comes back later. */
  const exchange = (s: number, need: bigint, giveBack: boolean, done: (ans: LeaseAnswer | null) => void) => {
    const cell = cells.get(s)!;
    const req = nextRequest(cell, { cellKey: "org", shard: s, need, limit: cfg.limit, now, giveBack });
    exchanges++;
    at(now + net(), () => {
      const t = parentSrv.run(now, cfg.parentServiceMs);
      at(t, () => {
        const ans = handleLeaseRequest(parent, req, { now, shards: cfg.shards, ttlMs: cfg.leaseTtlMs });
        if (ans?.short) recall(s);
        at(now + net(), () => {
          if (ans) applyAnswer(cell, ans);
          check();
          done(ans);
        });
      });
    });
  };

  /** The parent asks every other shard with unused room to give it back. */
  const recall = (except: number) => {
    for (const [s, c] of cells) {
      if (s === except || shardRoom(c, now) === 0n || waiting.has(s)) continue;
      waiting.set(s, []);
      exchange(s, 0n, true, () => flush(s));
    }
  };
  const flush = (s: number) => {
    const w = waiting.get(s) ?? [];
    waiting.delete(s);
    for (const f of w) f();
  };

  /** Decide a reserve in shard s (on its thread), asking the parent once when its lease is short. */
  const reserve = (s: number, amount: bigint, asked: number, done: (ok: boolean | null) => void) => {
    if (asked === 0 && shardSrv[s]!.busyUntil - now > cfg.maxQueueMs) return done(null);
    const t = shardSrv[s]!.run(now, cfg.shardServiceMs);
    at(t, () => {
      const cell = cells.get(s)!;
      if (useRoom(cell, amount, now)) {
        reserved += amount;
        check();
        return done(true);
      }
      // A reserve asks the parent at most three times (a grant sized for the first of several waiters).
      if (asked >= 3) {
        if (parentRoom(parent) >= amount) falseDenials++;
        spentAtFirstDenial ??= `${((Number(committed + reserved) / Number(cfg.limit)) * 100).toFixed(2)}%`;
        return done(false);
      }
      const retry = () => reserve(s, amount, asked + 1, done);
      const w = waiting.get(s);
      if (w) return void w.push(retry);
      waiting.set(s, [retry]);
      exchange(s, amount - shardRoom(cell, now), false, () => flush(s));
    });
  };

  const agentLoop = (agent: number) => {
    if (now >= endMs) return;
    const s = shardOf(`agt_${agent}`, cfg.shards);
    const amount = BigInt(1 + Math.floor(rand() * 100));
    at(now + net(), () =>
      reserve(s, amount, 0, (ok) => {
        if (ok !== true) {
          if (ok === null) overloaded++;
          else denied++;
          return at(now + net() + cfg.thinkMs, () => agentLoop(agent));
        }
        at(now + net() + net(), () => {
          const t = shardSrv[s]!.run(now, cfg.shardServiceMs);
          at(t, () => {
            const actual = (amount * BigInt(50 + Math.floor(rand() * 51))) / 100n;
            freeRoom(cells.get(s)!, amount - actual);
            reserved -= amount;
            committed += actual;
            if (now < endMs) pairs++;
            at(now + net() + cfg.thinkMs * rand() * 2, () => agentLoop(agent));
          });
        });
      }),
    );
  };

  for (let a = 0; a < cfg.agents; a++) at(rand() * cfg.thinkMs, () => agentLoop(a));
  while (ev.size > 0) {
    const e = ev.pop();
    now = e.t;
    e.v();
  }
  problems += leaseProblems(parent, cells, cfg.limit).length;
  // Heal: every shard gives its unused room back; nothing may stay stranded.
  for (const [s, c] of cells) {
    const req = nextRequest(c, { cellKey: "org", shard: s, need: 0n, limit: cfg.limit, now, giveBack: true });
    const ans = handleLeaseRequest(parent, req, { now, shards: cfg.shards, ttlMs: cfg.leaseTtlMs });
    if (ans) applyAnswer(c, ans);
  }
  const stranded = strandedRoom(parent, cells, now) + (parentHeld(parent) - committed - reserved);
  const secs = endMs / 1000;
  const exchangesPerPair = pairs > 0 ? exchanges / pairs : 0;
  const shardCap = 1000 / (2 * cfg.shardServiceMs);
  const parentCap = 1000 / cfg.parentServiceMs;
  const offered =
    (cfg.agents * 1000) / (cfg.thinkMs + 4 * (cfg.netMs[0] + cfg.netMs[1]) + 2 * cfg.shardServiceMs);
  const modelPairsPerS = Math.min(
    cfg.shards * shardCap,
    exchangesPerPair > 0 ? parentCap / exchangesPerPair : Number.POSITIVE_INFINITY,
    offered,
  );
  return {
    shards: cfg.shards,
    agents: cfg.agents,
    pairs,
    denied,
    overloaded,
    falseDenials,
    spentAtFirstDenial,
    pairsPerS: Math.round(pairs / secs),
    exchangesPerS: Math.round(exchanges / secs),
    exchangesPerPair: Number(exchangesPerPair.toFixed(4)),
    parentUtil: Number((parentSrv.busyMs / endMs).toFixed(3)),
    maxShardUtil: Number((Math.max(...shardSrv.map((x) => x.busyMs)) / endMs).toFixed(3)),
    modelPairsPerS: Math.round(modelPairsPerS),
    overspend: overspend.toString(),
    spent: (committed + reserved).toString(),
    limit: cfg.limit.toString(),
    strandedAfterHeal: stranded.toString(),
    problems,
  };
}
