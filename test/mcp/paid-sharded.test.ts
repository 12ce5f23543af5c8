// Paid calls through the gateway for an org with ledger shards (orgs.settings.ledgerShards = 4,
// docs/ledger-sharding.md): a global "*" budget holds across agents on different shards, each agent's
// calls land in its own shard, and every shard's transactions reach D1.
import { env } from "cloudflare:workers";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { ledgerFor } from "../../src/ledger/client";
import { shardObjectName, shardOf } from "../../src/ledger/lease/shards";
import { updateOrg } from "../../src/services/orgs";
import { connectMcp, withPayer } from "../helpers/mcp-client";
import { ECHO_AND_GLOBAL_BUDGET } from "../helpers/policies";
import { seedOrg } from "../helpers/seed";
import { EIGHT_AGENTS, SHARDS, shardOrg } from "../helpers/shards";

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe("paid calls, sharded org ledger", () => {
  it("enforces a global '*' budget across agents on different shards", async () => {
    const org = await seedOrg({ policy: ECHO_AND_GLOBAL_BUDGET, agents: EIGHT_AGENTS });
    const { alpha, beta, objectOf } = await shardOrg(org);
    const connect = async (n: string) => {
      const raw = await connectMcp(org.url(org.agentKeys[n]!));
      clients.push(raw);
      return withPayer(raw);
    };
    const a = await connect(alpha);
    const b = await connect(beta);
    await a.callTool({ name: "paid_echo", arguments: { text: "a", price: "5.00" } });
    await b.callTool({ name: "paid_echo", arguments: { text: "b", price: "5.00" } });
    await b.callTool({ name: "generate_image", arguments: { prompt: "cat" } }); // 0.50
    const err = await a.callTool({ name: "research_report", arguments: { topic: "x" } }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(McpError);
    const denial = ((err as McpError).data as { tollgate: { reason: string; rule: string | null } }).tollgate;
    expect(denial.reason).toBe("budget_exceeded");
    expect(denial.rule).toContain("global daily budget");

    // Each agent's transactions are in its own shard; all of them reach D1.
    for (let s = 0; s < SHARDS; s++) await ledgerFor(env, shardObjectName(org.orgId, s, SHARDS)).flush();
    const rows = (
      await env.DB.prepare("SELECT id, agent_id, status FROM transactions WHERE org_id = ?")
        .bind(org.orgId)
        .all<{ id: string; agent_id: string; status: string }>()
    ).results;
    const committed = rows.filter((r) => r.status === "committed");
    expect(committed).toHaveLength(3);
    for (const r of committed) {
      const shard = shardOf(r.agent_id, SHARDS);
      const view = await ledgerFor(env, shardObjectName(org.orgId, shard, SHARDS)).getReservation({
        reservationId: r.id,
      });
      expect(view?.status).toBe("committed");
    }
    // The parent holds no reservation of its own: only leases.
    expect(await ledgerFor(env, org.orgId).getReservation({ reservationId: committed[0]!.id })).toBeNull();

    // Every shard chains its own receipts (one writer per chain), and all of them reach D1: two shards
    // sharing one chain name would collide on (chain, seq) and stop signing.
    const receipts = (
      await env.DB.prepare("SELECT chain, seq, tx_id FROM receipts WHERE org_id = ?")
        .bind(org.orgId)
        .all<{ chain: string; seq: number; tx_id: string }>()
    ).results;
    for (const r of committed) expect(receipts.some((x) => x.tx_id === r.id)).toBe(true);
    expect(new Set(receipts.map((x) => x.chain))).toEqual(new Set([objectOf(alpha), objectOf(beta)]));
  });

  it("keeps the shard count when the org's settings are updated", async () => {
    const org = await seedOrg({ policy: ECHO_AND_GLOBAL_BUDGET });
    await env.DB.prepare("UPDATE orgs SET settings = json_set(settings, '$.ledgerShards', ?) WHERE id = ?")
      .bind(SHARDS, org.orgId)
      .run();
    await updateOrg(env, org.orgId, { settings: { inlineApprovals: true, budgetWarningThreshold: 70 } });
    const row = await env.DB.prepare(
      "SELECT json_extract(settings, '$.ledgerShards') AS n FROM orgs WHERE id = ?",
    )
      .bind(org.orgId)
      .first<{ n: number }>();
    expect(row?.n).toBe(SHARDS);
  });
});
