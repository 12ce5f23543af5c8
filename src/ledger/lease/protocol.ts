// The lease protocol between an org's parent ledger and its shards, as pure state transitions (no
// I/O, `now` passed in). One "cell" is one shared limit in one window instance (scope key + instance).
//
// Safety rests on one inequality per (cell, shard): used <= shard.held <= parent.held, so
// sum(used) <= sum(parent.held) <= limit. The shard is the only party that lowers what it holds, and
// it lowers its own copy first; the parent only raises a shard's record when it answers that shard's
// newest message. Every message states the shard's current holding (`have`, absolute, not a delta)
// and a per-(cell, shard) sequence number, so lost, duplicated and reordered messages are harmless:
// the parent ignores a sequence it has seen, the shard applies only the answer to its newest message,
// and the next message re-states the truth (room of a lost answer comes back then, never lost).
import { leaseSize, maxBig } from "./sizing";

/** A first grant (no use history yet) covers this many calls of the asking size, room permitting. */
export const LEASE_CALLS = 16n;

/** How long a grant lets a shard decide with its unused room before it must give it back. */
export const DEFAULT_LEASE_TTL_MS = 10_000;

/** Shard -> parent: "I hold `have` of this cell (lowered already if I gave room back); I need `need` more." */
export interface LeaseRequest {
  cell: string;
  shard: number;
  seq: number;
  have: bigint;
  need: bigint;
  demand: bigint;
  /** the limit as the asking call sees it (the newest policy wins, like today's reserve) */
  limit: bigint;
}

/** Parent -> shard: the shard's holding after this message (absolute) and until when it may use it. */
export interface LeaseAnswer {
  cell: string;
  shard: number;
  seq: number;
  held: bigint;
  granted: bigint;
  /** need > 0 and nothing granted: the parent should recall unused room from the other shards */
  short: boolean;
  expiresAt: number;
}

export interface ParentHolding {
  held: bigint;
  seq: number;
}

export interface ParentCell {
  limit: bigint;
  holdings: Map<number, ParentHolding>;
}

export function parentHeld(cell: ParentCell): bigint {
  let sum = 0n;
  for (const h of cell.holdings.values()) sum += h.held;
  return sum;
}

/** The parent's free room; negative only after the limit was lowered below what is held. */
export function parentRoom(cell: ParentCell): bigint {
  return cell.limit - parentHeld(cell);
}

/**
 * The parent's answer to one request, applied to `cell` in place. A stale message (sequence not
 * newer than the last one of that shard) changes nothing and gets no answer.
 */
export function handleLeaseRequest(
  cell: ParentCell,
  req: LeaseRequest,
  opts: { now: number; shards: number; ttlMs?: number },
): LeaseAnswer | null {
  const rec = cell.holdings.get(req.shard) ?? { held: 0n, seq: 0 };
  if (req.seq <= rec.seq) return null;
  cell.limit = req.limit;
  // The shard never holds more than the parent's record; a smaller `have` is a return (or the room
  // of an answer the shard never received).
  const held = req.have < rec.held ? req.have : rec.held;
  cell.holdings.set(req.shard, { held, seq: req.seq });
  const granted = leaseSize({
    room: parentRoom(cell),
    need: req.need,
    demand: req.demand,
    shards: opts.shards,
  });
  const after = held + granted;
  cell.holdings.set(req.shard, { held: after, seq: req.seq });
  return {
    cell: req.cell,
    shard: req.shard,
    seq: req.seq,
    held: after,
    granted,
    short: req.need > 0n && granted === 0n,
    expiresAt: opts.now + (opts.ttlMs ?? DEFAULT_LEASE_TTL_MS),
  };
}

/** A shard's side of one cell. `used` = committed + reserved of the cell in this shard. */
export interface ShardCell {
  held: bigint;
  used: bigint;
  expiresAt: number;
  /** sequence of the newest message sent for this cell */
  seq: number;
  /** use since the last applied grant, and in the period before it (the demand estimate) */
  periodUse: bigint;
  lastPeriodUse: bigint;
}

export function newShardCell(): ShardCell {
  return { held: 0n, used: 0n, expiresAt: 0, seq: 0, periodUse: 0n, lastPeriodUse: 0n };
}

/** Unused room this shard may decide with at `now` (none once the lease expired). */
export function shardRoom(cell: ShardCell, now: number): bigint {
  return now < cell.expiresAt ? cell.held - cell.used : 0n;
}

/** Hold `amount` locally if the lease has room; false means ask the parent (or refuse). */
export function useRoom(cell: ShardCell, amount: bigint, now: number): boolean {
  if (amount > shardRoom(cell, now)) return false;
  cell.used += amount;
  cell.periodUse += amount;
  return true;
}

/** A hold released or committed below its amount: the difference is unused room again. */
export function freeRoom(cell: ShardCell, amount: bigint): void {
  if (amount > cell.used) throw new RangeError("freeing more than is used");
  cell.used -= amount;
}

/**
 * The next message for this cell: ask for `need` more, or (need 0) re-state/renew. An expired
 * lease gives its unused room back first; `giveBack` gives all unused room back now (a recall,
 * an idle cell, a draining shard). The shard lowers its own copy before the message leaves.
 */
export function nextRequest(
  cell: ShardCell,
  opts: { cellKey: string; shard: number; need: bigint; limit: bigint; now: number; giveBack?: boolean },
): LeaseRequest {
  if (opts.giveBack || opts.now >= cell.expiresAt) cell.held = cell.used;
  cell.seq += 1;
  const recent = maxBig(cell.periodUse, cell.lastPeriodUse);
  const demand = opts.giveBack ? 0n : maxBig(2n * recent, LEASE_CALLS * opts.need);
  return {
    cell: opts.cellKey,
    shard: opts.shard,
    seq: cell.seq,
    have: cell.held,
    need: opts.giveBack ? 0n : opts.need,
    demand,
    limit: opts.limit,
  };
}

/** Apply the parent's answer; answers to anything but the newest message are ignored. */
export function applyAnswer(cell: ShardCell, ans: LeaseAnswer): boolean {
  if (ans.seq !== cell.seq) return false;
  cell.held = ans.held;
  cell.expiresAt = ans.expiresAt;
  cell.lastPeriodUse = cell.periodUse;
  cell.periodUse = 0n;
  return true;
}
