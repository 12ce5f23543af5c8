// Invariant checks of the lease protocol over a whole org (parent + every shard), for the property
// test, the simulation and the ledgers' own verify. Pure.
import { type ParentCell, parentHeld, type ShardCell } from "./protocol";

/**
 * Problems with one cell: overspend (sum of used above the limit the room was granted under),
 * a shard holding more than the parent's record of it, or using more than it holds.
 * `limitAtGrant` is the limit when the room was handed out (a lowered limit claws nothing back).
 */
export function leaseProblems(
  parent: ParentCell,
  shards: Map<number, ShardCell>,
  limitAtGrant: bigint,
): string[] {
  const problems: string[] = [];
  let used = 0n;
  for (const [id, s] of shards) {
    used += s.used;
    const rec = parent.holdings.get(id)?.held ?? 0n;
    if (s.used > s.held) problems.push(`shard ${id}: used ${s.used} > held ${s.held}`);
    if (s.held > rec) problems.push(`shard ${id}: held ${s.held} > parent's record ${rec}`);
  }
  const held = parentHeld(parent);
  if (held > limitAtGrant) problems.push(`leased ${held} > limit ${limitAtGrant}`);
  if (used > limitAtGrant) problems.push(`overspend: used ${used} > limit ${limitAtGrant}`);
  return problems;
}

/** Room the parent still counts as held but no shard can use (in flight, lost answers, expired). */
export function strandedRoom(parent: ParentCell, shards: Map<number, ShardCell>, now: number): bigint {
  let stranded = 0n;
  for (const [id, rec] of parent.holdings) {
    const s = shards.get(id);
    const usable = s && now < s.expiresAt ? s.held : (s?.used ?? 0n);
    stranded += rec.held - usable;
  }
  return stranded;
}
