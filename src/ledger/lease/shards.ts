// Which ledger shard owns an agent, and which scope lines a shard decides alone. Pure: no I/O.
// Agent keys ("a:<agentId>:...", see policy/keys.ts) belong to the agent's shard; everything else
// (policy "p:" keys: org budgets, "*" rules, tool budgets across agents) is shared through leases.

/** Most shards an org may be given (one parent grants leases to all of them). */
export const MAX_SHARDS = 256;

/** FNV-1a, 32 bit: stable across runtimes and deploys (the shard of an agent must never drift). */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * Jump consistent hash (Lamping and Veach, 2014) over the FNV-1a of the agent id: going from N to
 * N+1 shards moves only ~1/(N+1) of the agents. One shard (today's layout) is always shard 0.
 */
export function shardOf(agentId: string, shards: number): number {
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) {
    throw new RangeError(`shards must be an integer in 1..${MAX_SHARDS}`);
  }
  if (shards === 1) return 0;
  let key = (BigInt(fnv1a32(agentId)) * 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
  let b = -1;
  let j = 0;
  while (j < shards) {
    b = j;
    key = (key * 2862933555777941757n + 1n) & 0xffffffffffffffffn;
    j = Math.floor(((b + 1) * 2 ** 31) / Number((key >> 33n) + 1n));
  }
  return b;
}

/** The escaped agent id as it appears in mandate keys (policy/keys.ts keyPart). */
function keyPart(text: string): string {
  return text.replace(/%/g, "%25").replace(/:/g, "%3A");
}

/** True when the line's counter belongs to this agent alone, so its shard decides it without a lease. */
export function isShardLocal(scopeKey: string, agentId: string | null): boolean {
  return agentId !== null && scopeKey.startsWith(`a:${keyPart(agentId)}:`);
}

/** The Durable Object name of a shard; one shard keeps today's name, so N = 1 is unchanged. */
export function shardObjectName(orgId: string, shard: number, shards: number): string {
  return shards === 1 ? orgId : `${orgId}#s${shard}`;
}

/** The parent ledger of a sharded org is the org's original object (it already holds its history). */
export function parentObjectName(orgId: string): string {
  return orgId;
}
