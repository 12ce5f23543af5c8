// A sharded org for the ledger-sharding tests (docs/ledger-sharding.md): eight agents, the shard
// count set in the org's settings, and two agents known to land on different shards.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { shardObjectName, shardOf } from "../../src/ledger/lease/shards";
import type { Seeded } from "./seed";

export const SHARDS = 4;

export const EIGHT_AGENTS = Array.from({ length: 8 }, (_, i) => ({ name: `agent${i}`, isDefault: i === 0 }));

/** Sets the org's shard count and names two of its agents on different shards. */
export async function shardOrg(org: Seeded, shards = SHARDS) {
  await env.DB.prepare("UPDATE orgs SET settings = json_set(settings, '$.ledgerShards', ?) WHERE id = ?")
    .bind(shards, org.orgId)
    .run();
  const shardOfName = (n: string) => shardOf(org.agentIds[n]!, shards);
  const names = Object.keys(org.agentIds);
  const alpha = EIGHT_AGENTS[0]!.name;
  const beta = names.find((n) => shardOfName(n) !== shardOfName(alpha));
  expect(beta).toBeDefined();
  return {
    alpha,
    beta: beta!,
    shardOfName,
    /** The ledger object name of agent `n`'s shard. */
    objectOf: (n: string) => shardObjectName(org.orgId, shardOfName(n), shards),
  };
}
