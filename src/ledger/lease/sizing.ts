// Lease sizing: how much of a shared limit's remaining room the parent hands one shard. Pure.
//
// grant = 0                                    when need > room (the call will be refused anyway:
//                                              a partial grant would only strand room)
//       = min(room, max(need, min(demand, room / (FAIR_DIVISOR * shards))))   otherwise
//
// `demand` is what the shard expects to use while the lease lasts (twice its use in the previous
// lease period). The fair-share cap `room / (FAIR_DIVISOR * shards)` shrinks with the room, so near
// the end of a budget every grant is little more than the call that asked: the last units are not
// parked in an idle shard. Worst case (docs/ledger-sharding.md): the unused room held by all shards
// together is below room_at_first_grant / FAIR_DIVISOR plus the holds released since, for at most
// one lease TTL, and a refused request makes the parent recall it.

export const FAIR_DIVISOR = 4n;

export interface SizingInput {
  /** limit - sum of every shard's held room (the parent's free room), may be negative after a lowered limit */
  room: bigint;
  /** what the asking call needs beyond the shard's unused room (0 for a top-up) */
  need: bigint;
  /** what the shard expects to use during the lease */
  demand: bigint;
  /** number of shards of the org */
  shards: number;
}

/** bigint max/min (Math.max does not take bigints). */
export function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
export function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function leaseSize({ room, need, demand, shards }: SizingInput): bigint {
  if (room <= 0n || need > room) return 0n;
  const fair = room / (FAIR_DIVISOR * BigInt(Math.max(1, shards)));
  return minBig(room, maxBig(need, minBig(demand, fair)));
}
