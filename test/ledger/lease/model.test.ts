// Model-based property test of the lease protocol (src/ledger/lease): random reserves, commits,
// releases, lease requests, give-backs, expiries, duplicated / reordered / lost messages, shard
// evictions and parent outages across N shards of one shared limit. After every step: no shard uses
// more than it holds, holds more than the parent's record of it, and the parent never leases more
// than the limit (so committed + reserved never exceed it); and on a copy of the state, healing the
// network (parent up, every shard re-states what it holds) returns every unused unit to the parent:
// no room is lost for good.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { leaseProblems, strandedRoom } from "../../../src/ledger/lease/check";
import {
  applyAnswer,
  freeRoom,
  handleLeaseRequest,
  type LeaseAnswer,
  type LeaseRequest,
  newShardCell,
  nextRequest,
  type ParentCell,
  parentHeld,
  parentRoom,
  type ShardCell,
  shardRoom,
  useRoom,
} from "../../../src/ledger/lease/protocol";

const CELL = "p:_global:org:spend:amount:USD/2|day:0";
const TTL = 10_000;

type Msg = { kind: "req"; req: LeaseRequest } | { kind: "ans"; ans: LeaseAnswer };
interface World {
  limit: bigint;
  shards: number;
  now: number;
  parentUp: boolean;
  parent: ParentCell;
  cells: Map<number, ShardCell>;
  holds: Map<number, bigint[]>;
  committed: bigint;
  net: Msg[];
}

type Op =
  | { op: "reserve"; shard: number; amount: number }
  | { op: "settle"; shard: number; hold: number; pct: number }
  | { op: "release"; shard: number; hold: number }
  | { op: "renew"; shard: number }
  | { op: "giveBack"; shard: number }
  | { op: "deliver"; msg: number; duplicate: boolean }
  | { op: "drop"; msg: number }
  | { op: "advance"; ms: number }
  | { op: "evict"; shard: number }
  | { op: "parent"; up: boolean };

const shard = fc.nat(7);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant("reserve" as const),
      shard,
      amount: fc.integer({ min: 1, max: 60 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("settle" as const),
      shard,
      hold: fc.nat(),
      pct: fc.integer({ min: 0, max: 100 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("release" as const), shard, hold: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("renew" as const), shard }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("giveBack" as const), shard }) },
  {
    weight: 6,
    arbitrary: fc.record({ op: fc.constant("deliver" as const), msg: fc.nat(), duplicate: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("drop" as const), msg: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 2 * TTL }) }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("evict" as const), shard }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("parent" as const), up: fc.boolean() }) },
);

function newWorld(limit: bigint, shards: number): World {
  const cells = new Map<number, ShardCell>();
  const holds = new Map<number, bigint[]>();
  for (let i = 0; i < shards; i++) {
    cells.set(i, newShardCell());
    holds.set(i, []);
  }
  const w = { limit, shards, now: 1_000_000, parentUp: true, committed: 0n, net: [] };
  return { ...w, parent: { limit, holdings: new Map() }, cells, holds };
}

function send(w: World, s: number, need: bigint, giveBack = false): void {
  const req = nextRequest(w.cells.get(s)!, {
    cellKey: CELL,
    shard: s,
    need,
    limit: w.limit,
    now: w.now,
    giveBack,
  });
  w.net.push({ kind: "req", req });
}

function step(w: World, o: Op): void {
  const s = "shard" in o ? o.shard % w.shards : 0;
  const cell = w.cells.get(s)!;
  const holds = w.holds.get(s)!;
  switch (o.op) {
    case "reserve": {
      const amount = BigInt(o.amount);
      if (useRoom(cell, amount, w.now)) holds.push(amount);
      else send(w, s, amount - shardRoom(cell, w.now));
      return;
    }
    case "settle":
    case "release": {
      if (holds.length === 0) return;
      const [amount] = holds.splice(o.hold % holds.length, 1) as [bigint];
      const charged = o.op === "settle" ? (amount * BigInt(o.pct)) / 100n : 0n;
      freeRoom(cell, amount - charged);
      w.committed += charged;
      return;
    }
    case "renew":
      send(w, s, 0n);
      return;
    case "giveBack":
      send(w, s, 0n, true);
      return;
    case "deliver":
    case "drop": {
      if (w.net.length === 0) return;
      const i = o.msg % w.net.length;
      const m = w.net[i]!;
      if (o.op === "drop" || !o.duplicate) w.net.splice(i, 1);
      if (o.op === "drop") return;
      if (m.kind === "ans") {
        applyAnswer(w.cells.get(m.ans.shard)!, m.ans);
      } else if (w.parentUp) {
        const ans = handleLeaseRequest(w.parent, m.req, { now: w.now, shards: w.shards, ttlMs: TTL });
        if (ans) w.net.push({ kind: "ans", ans });
      }
      return;
    }
    case "advance":
      w.now += o.ms;
      return;
    case "evict":
      // The object restarted: the calls awaiting answers are gone (their answers are lost); its
      // SQLite state (held, used, seq, holds) survives.
      w.net = w.net.filter((m) => m.kind === "req" || m.ans.shard !== s);
      return;
    case "parent":
      w.parentUp = o.up;
      return;
  }
}

function usedTotal(w: World): bigint {
  let used = 0n;
  for (const c of w.cells.values()) used += c.used;
  return used;
}

/** Every shard re-states its holding to a reachable parent; nothing may stay stranded. */
function healed(w0: World): World {
  const w = structuredClone(w0);
  w.parentUp = true;
  w.net = [];
  for (const [s, cell] of w.cells) {
    const req = nextRequest(cell, {
      cellKey: CELL,
      shard: s,
      need: 0n,
      limit: w.limit,
      now: w.now,
      giveBack: true,
    });
    const ans = handleLeaseRequest(w.parent, req, { now: w.now, shards: w.shards, ttlMs: TTL });
    if (!ans || !applyAnswer(cell, ans)) throw new Error(`shard ${s}: heal message not answered`);
  }
  return w;
}

function checkWorld(w: World): void {
  expect(leaseProblems(w.parent, w.cells, w.limit)).toEqual([]);
  let reserved = 0n;
  for (const hs of w.holds.values()) for (const h of hs) reserved += h;
  // Shard counters agree with the holds and charges the model made.
  expect(usedTotal(w)).toBe(reserved + w.committed);
  expect(w.committed + reserved <= w.limit).toBe(true);
  expect(parentRoom(w.parent) + parentHeld(w.parent)).toBe(w.limit);
  const h = healed(w);
  expect(strandedRoom(h.parent, h.cells, h.now)).toBe(0n);
  expect(parentRoom(h.parent)).toBe(w.limit - usedTotal(h));
  for (const [s, cell] of h.cells) expect(h.parent.holdings.get(s)?.held ?? 0n).toBe(cell.used);
}

describe("lease protocol (model)", () => {
  it("never leases or spends beyond the limit, and healing returns every unused unit", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 1, max: 8 }),
        fc.array(opArb, { maxLength: 120 }),
        (limit, shards, ops) => {
          const w = newWorld(BigInt(limit), shards);
          checkWorld(w);
          for (const o of ops) {
            step(w, o);
            checkWorld(w);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it("a shard cut off from its parent decides within its lease, then refuses", () => {
    const w = newWorld(1000n, 4);
    send(w, 0, 10n);
    step(w, { op: "deliver", msg: 0, duplicate: false });
    step(w, { op: "deliver", msg: 0, duplicate: false });
    const cell = w.cells.get(0)!;
    const held = cell.held;
    expect(held >= 10n).toBe(true);
    w.parentUp = false;
    let admitted = 0n;
    while (useRoom(cell, 1n, w.now)) admitted += 1n;
    expect(admitted).toBe(held);
    send(w, 0, 1n);
    step(w, { op: "deliver", msg: 0, duplicate: false });
    expect(useRoom(cell, 1n, w.now)).toBe(false);
    // After the lease expired, not even the unused room of a lease is used.
    freeRoom(cell, 5n);
    w.now += TTL;
    expect(useRoom(cell, 1n, w.now)).toBe(false);
  });
});
