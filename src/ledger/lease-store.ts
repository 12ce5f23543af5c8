// SQL for the lease protocol inside a ledger object (docs/ledger-sharding.md): a shard's view of the
// shared cells it holds room of (`lease_cells`), a parent's record of what every shard holds
// (`lease_holdings`), and which shard this object is (`lease_route`): ledger schema v7 creates them.
// Synchronous, run inside the object's transactionSync; the decisions are src/ledger/lease (pure).
import { z } from "zod";
import type { LeaseAnswer, LeaseRequest, ParentCell, ShardCell } from "./lease/protocol";
import { MAX_SHARDS } from "./lease/shards";
import type { LedgerStore } from "./store";
import { BaseUnits } from "./types";

export type StoredRoute = { index: number; of: number; parent: string };

/** Remember which shard this object is (its alarm gives leases back without a caller). */
export function saveRoute(store: LedgerStore, r: StoredRoute): void {
  store.sql.exec(
    `INSERT INTO lease_route (id, idx, of, parent) VALUES (1, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET idx = excluded.idx, of = excluded.of, parent = excluded.parent`,
    r.index,
    r.of,
    r.parent,
  );
}

/** This object's shard route, or null (one-shard org or a parent): never creates the tables. */
export function loadRoute(store: LedgerStore): StoredRoute | null {
  const exists = store.sql
    .exec<{ n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'lease_route'")
    .one().n;
  if (!exists) return null;
  const r = store.sql
    .exec<{ idx: number; of: number; parent: string }>("SELECT idx, of, parent FROM lease_route WHERE id = 1")
    .toArray()[0];
  return r ? { index: r.idx, of: r.of, parent: r.parent } : null;
}

/** True when this object has granted leases (it is the parent of a sharded org). */
export function isLeaseParent(store: LedgerStore): boolean {
  const exists = store.sql
    .exec<{ n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'lease_holdings'")
    .one().n;
  return exists > 0 && store.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM lease_holdings").one().n > 0;
}

/** The cell of a shared line: its scope key in one window instance. */
export function cellKey(scopeKey: string, instance: string): string {
  return `${scopeKey}\u0000${instance}`;
}

/** A shard's cell; `used` = the shard's own bucket (committed + reserved) of that scope instance. */
export function loadShardCell(store: LedgerStore, cell: string, used: bigint): ShardCell {
  const r = store.sql
    .exec<{ held: string; expires_at: number; seq: number; period_use: string; last_period_use: string }>(
      "SELECT held, expires_at, seq, period_use, last_period_use FROM lease_cells WHERE cell = ?",
      cell,
    )
    .toArray()[0];
  if (!r) return { held: 0n, used, expiresAt: 0, seq: 0, periodUse: 0n, lastPeriodUse: 0n };
  return {
    held: BigInt(r.held),
    used,
    expiresAt: r.expires_at,
    seq: r.seq,
    periodUse: BigInt(r.period_use),
    lastPeriodUse: BigInt(r.last_period_use),
  };
}

export function saveShardCell(store: LedgerStore, cell: string, c: ShardCell): void {
  store.sql.exec(
    `INSERT INTO lease_cells (cell, held, expires_at, seq, period_use, last_period_use) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(cell) DO UPDATE SET held = excluded.held, expires_at = excluded.expires_at, seq = excluded.seq,
       period_use = excluded.period_use, last_period_use = excluded.last_period_use`,
    cell,
    c.held.toString(),
    c.expiresAt,
    c.seq,
    c.periodUse.toString(),
    c.lastPeriodUse.toString(),
  );
}

/** Cells of this shard whose lease expired with unused room still counted by the parent. */
export function expiredCells(store: LedgerStore, now: number): string[] {
  return store.sql
    .exec<{ cell: string }>("SELECT cell FROM lease_cells WHERE expires_at <= ? AND held != '0'", now)
    .toArray()
    .map((r) => r.cell);
}

/** Earliest lease expiry of this shard (its alarm gives the unused room back then). */
export function earliestLeaseExpiry(store: LedgerStore): number | null {
  const r = store.sql
    .exec<{ t: number | null }>("SELECT MIN(expires_at) AS t FROM lease_cells WHERE held != '0'")
    .one();
  return r.t;
}

export function loadParentCell(store: LedgerStore, cell: string, limit: bigint): ParentCell {
  const holdings = new Map<number, { held: bigint; seq: number }>();
  for (const r of store.sql
    .exec<{ shard: number; held: string; seq: number }>(
      "SELECT shard, held, seq FROM lease_holdings WHERE cell = ?",
      cell,
    )
    .toArray()) {
    holdings.set(r.shard, { held: BigInt(r.held), seq: r.seq });
  }
  return { limit, holdings };
}

export function saveParentHolding(store: LedgerStore, cell: string, shard: number, p: ParentCell): void {
  const h = p.holdings.get(shard)!;
  store.sql.exec(
    `INSERT INTO lease_holdings (cell, shard, held, seq, limit_seen) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(cell, shard) DO UPDATE SET held = excluded.held, seq = excluded.seq, limit_seen = excluded.limit_seen`,
    cell,
    shard,
    h.held.toString(),
    h.seq,
    p.limit.toString(),
  );
}

/** Shards other than `except` that the parent counts as holding something of `cell`. */
export function holdersOf(store: LedgerStore, cell: string, except: number): number[] {
  return store.sql
    .exec<{ shard: number }>(
      "SELECT shard FROM lease_holdings WHERE cell = ? AND shard != ? AND held != '0'",
      cell,
      except,
    )
    .toArray()
    .map((r) => r.shard);
}

/** Sum of what the parent counts as held by all shards, per cell. */
export function parentHeldOf(store: LedgerStore, cell: string): bigint {
  let sum = 0n;
  for (const r of store.sql
    .exec<{ held: string }>("SELECT held FROM lease_holdings WHERE cell = ?", cell)
    .toArray()) {
    sum += BigInt(r.held);
  }
  return sum;
}

/** The wire form of a lease request (bigints as base-unit strings), validated by the parent. */
export const LeaseExchangeInput = z.strictObject({
  cell: z.string().min(1).max(600),
  shard: z
    .number()
    .int()
    .min(0)
    .max(MAX_SHARDS - 1),
  shards: z.number().int().min(2).max(MAX_SHARDS),
  /** the parent's own object name (the org id): the parent names the shards it recalls room from */
  parent: z.string().min(1).max(255),
  seq: z.number().int().min(1),
  have: BaseUnits,
  need: BaseUnits,
  demand: BaseUnits,
  limit: BaseUnits,
  now: z.number().int().nonnegative(),
});
export type LeaseExchangeInput = z.infer<typeof LeaseExchangeInput>;
export const LeaseRecallInput = z.strictObject({
  cell: z.string().min(1).max(600),
  now: z.number().int().nonnegative(),
});
export type LeaseExchangeAnswer = {
  cell: string;
  shard: number;
  seq: number;
  held: string;
  granted: string;
  short: boolean;
  expiresAt: number;
};

export function requestToWire(
  r: LeaseRequest,
  shards: number,
  parent: string,
  now: number,
): LeaseExchangeInput {
  return {
    cell: r.cell,
    shard: r.shard,
    shards,
    parent,
    seq: r.seq,
    have: r.have.toString(),
    need: r.need.toString(),
    demand: r.demand.toString(),
    limit: r.limit.toString(),
    now,
  };
}

export function requestFromWire(w: LeaseExchangeInput): LeaseRequest {
  return {
    cell: w.cell,
    shard: w.shard,
    seq: w.seq,
    have: BigInt(w.have),
    need: BigInt(w.need),
    demand: BigInt(w.demand),
    limit: BigInt(w.limit),
  };
}

export function answerToWire(a: LeaseAnswer): LeaseExchangeAnswer {
  return { ...a, held: a.held.toString(), granted: a.granted.toString() };
}

const AnswerWire = z.strictObject({
  cell: z.string(),
  shard: z.number().int(),
  seq: z.number().int(),
  held: BaseUnits,
  granted: BaseUnits,
  short: z.boolean(),
  expiresAt: z.number().int(),
});
/** The shard validates the parent's answer too (an RPC boundary). */
export function answerFromWire(w: unknown): LeaseAnswer {
  const a = AnswerWire.parse(w);
  return { ...a, held: BigInt(a.held), granted: BigInt(a.granted) };
}
