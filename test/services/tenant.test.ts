// Tenant resolution in an org of 10,000 agents: a call through the gateway works with one agent's key,
// and resolving it reads a bounded number of D1 rows (meta.rows_read), however many agents the org has.

import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateKey } from "../../src/auth/keys";
import { newId } from "../../src/db/client";
import { invalidateOrg, resolveTenant } from "../../src/services/tenant";
import { recordingEnv, rowsRead } from "../helpers/d1-recorder";
import { connectMcp } from "../helpers/mcp-client";
import { type Seeded, seedOrg } from "../helpers/seed";

const AGENTS = 10_000;
/** Key, org row, policy, upstreams, agent, mandate: a handful of rows, with room for an index page. */
const BOUND = 20;

let org: Seeded;
let bulkKey: string;
let bulkId: string;

/**
 * Every agent but the seeded "main", each with an active mandate, in two INSERT ... SELECT over a
 * counter (no row leaves D1).
 */
async function addAgents(orgId: string, n: number): Promise<void> {
  const counter = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)";
  await env.DB.batch([
    env.DB.prepare(
      `${counter} INSERT INTO agents (id, org_id, name, description, created_at)
       SELECT 'agt_bulk_' || i, ?, 'bulk-' || i, 'bulk agent ' || i, 1700000000000 + i FROM n`,
    ).bind(n, orgId),
    env.DB.prepare(
      `${counter} INSERT INTO mandates (id, org_id, agent_id, version, active, currency, decimals, budget_daily)
       SELECT 'mdt_bulk_' || i, ?, 'agt_bulk_' || i, 1, 1, 'PATHUSD', 6, '5000000' FROM n`,
    ).bind(n, orgId),
  ]);
}

beforeAll(async () => {
  org = await seedOrg({
    agents: [{ name: "main", isDefault: true, mandate: { budgetDaily: "10000000" } }],
  });
  await addAgents(org.orgId, AGENTS - 1);
  bulkId = "agt_bulk_7777";
  const key = await generateKey("agent");
  await env.DB.prepare(
    "INSERT INTO api_keys (id, org_id, agent_id, scope, prefix, hash) VALUES (?, ?, ?, 'agent', ?, ?)",
  )
    .bind(newId("key"), org.orgId, bulkId, key.prefix, key.hash)
    .run();
  bulkKey = key.secret;
  invalidateOrg(org.orgId);
  const count = await env.DB.prepare("SELECT count(*) AS n FROM agents WHERE org_id = ?")
    .bind(org.orgId)
    .first<{ n: number }>();
  expect(count?.n).toBe(AGENTS);
});

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

/** Resolves with a cold cache through a recording D1, and answers what D1 read for it. */
async function coldResolve(secret: string, agentName: string | null) {
  invalidateOrg(org.orgId);
  const rec = recordingEnv();
  const ctx = createExecutionContext();
  const result = await resolveTenant(rec.env, ctx, secret, agentName, Date.now());
  await waitOnExecutionContext(ctx);
  return { result, statements: rec.seen.length, rowsRead: await rowsRead(rec.seen) };
}

describe("tenant resolution in an org of 10,000 agents", () => {
  it("the measure sees a list of the org's agents (what resolution used to load)", async () => {
    const all = { sql: "select * from agents where org_id = ?", params: [org.orgId] };
    expect(await rowsRead([all])).toBeGreaterThanOrEqual(AGENTS);
  });

  it("serves a call through the gateway with one bulk agent's key", async () => {
    const client = await connectMcp(org.url(bulkKey));
    clients.push(client);
    const r = await client.callTool({ name: "echo", arguments: { text: "hello" } });
    expect(r.isError).not.toBe(true);
    expect(JSON.stringify(r.content)).toContain("hello");
  });

  it("an agent key reads a bounded number of rows, not the org's agents", async () => {
    const { result, statements, rowsRead: read } = await coldResolve(bulkKey, null);
    expect(result.ok && result.tenant.agent).toMatchObject({ id: bulkId, name: "bulk-7777" });
    expect(result.ok && result.tenant.mandate?.budgets.daily).toBe("5000000");
    expect(statements).toBeGreaterThan(0);
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(BOUND);
    // What the gateway holds for the request names one agent and carries no list of the others.
    expect(result.ok && Object.keys(result.tenant)).not.toContain("orgAgents");
  });

  it("an org key reads a bounded number of rows for its default agent and for a named one", async () => {
    const byDefault = await coldResolve(org.orgKey, null);
    expect(byDefault.result.ok && byDefault.result.tenant.agent.name).toBe("main");
    expect(byDefault.result.ok && byDefault.result.tenant.mandate?.budgets.daily).toBe("10000000");
    expect(byDefault.rowsRead).toBeLessThan(BOUND);
    const named = await coldResolve(org.orgKey, "bulk-42");
    expect(named.result.ok && named.result.tenant.agent.id).toBe("agt_bulk_42");
    expect(named.rowsRead).toBeLessThan(BOUND);
    const unknown = await coldResolve(org.orgKey, "nobody");
    expect(unknown.result).toEqual({ ok: false, reason: "not_found" });
    expect(unknown.rowsRead).toBeLessThan(BOUND);
  });

  it("a warm cache answers without D1", async () => {
    await coldResolve(bulkKey, null);
    const rec = recordingEnv();
    const ctx = createExecutionContext();
    const again = await resolveTenant(rec.env, ctx, bulkKey, null, Date.now());
    await waitOnExecutionContext(ctx);
    expect(again.ok).toBe(true);
    expect(rec.seen.filter((s) => /^\s*select/i.test(s.sql))).toEqual([]);
  });

  it("invalidateOrg forgets the org's agents: a pause is seen at once", async () => {
    await coldResolve(bulkKey, null);
    await env.DB.prepare("UPDATE agents SET status = 'paused' WHERE id = ?").bind(bulkId).run();
    invalidateOrg(org.orgId);
    const ctx = createExecutionContext();
    expect(await resolveTenant(env, ctx, bulkKey, null, Date.now())).toEqual({ ok: false, reason: "paused" });
    await env.DB.prepare("UPDATE agents SET status = 'active' WHERE id = ?").bind(bulkId).run();
    invalidateOrg(org.orgId);
    expect((await resolveTenant(env, ctx, bulkKey, null, Date.now())).ok).toBe(true);
    await waitOnExecutionContext(ctx);
  });
});
