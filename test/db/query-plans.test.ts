// The hot queries, as the code runs them, searched through an index and never a full scan: SQLite's
// EXPLAIN QUERY PLAN for each statement recorded while the real functions run.

import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { agentsByIds, listAgents } from "../../src/services/agents";
import { listApprovals } from "../../src/services/approvals";
import { listKeys } from "../../src/services/keys";
import { currentMandateRows } from "../../src/services/mandates";
import { invalidateOrg, resolveTenant } from "../../src/services/tenant";
import { committedPerDay, listTransactions } from "../../src/services/transactions";
import { listWallets } from "../../src/services/wallets";
import { insertTransaction } from "../admin/helpers";
import { fullScans, isRead, queryPlan, recordingEnv } from "../helpers/d1-recorder";
import { type Seeded, seedOrg } from "../helpers/seed";

let org: Seeded;

beforeAll(async () => {
  org = await seedOrg({
    agents: [{ name: "main", isDefault: true, mandate: { budgetDaily: "100" } }, { name: "other" }],
  });
  const agentId = org.agentIds.main!;
  for (let i = 0; i < 5; i++)
    await insertTransaction(org.orgId, { agentId, createdAt: 1_700_000_000_000 + i });
});

/** Runs `work` against a recording D1 and answers the plan of every read it made. */
async function plansOf(work: (e: Env) => Promise<unknown>): Promise<string[][]> {
  const rec = recordingEnv();
  await work(rec.env);
  const reads = rec.seen.filter(isRead);
  expect(reads.length).toBeGreaterThan(0);
  return Promise.all(reads.map(queryPlan));
}

function expectIndexed(plans: string[][], ...indexes: string[]) {
  for (const plan of plans) expect(fullScans(plan), plan.join(" | ")).toEqual([]);
  const text = plans.flat().join("\n");
  for (const name of indexes) expect(text).toContain(name);
}

async function resolve(e: Env, secret: string, agentName: string | null) {
  invalidateOrg(org.orgId);
  const ctx = createExecutionContext();
  const r = await resolveTenant(e, ctx, secret, agentName, Date.now());
  await waitOnExecutionContext(ctx);
  expect(r.ok).toBe(true);
}

describe("hot queries use an index", () => {
  it("key lookup and agent by id (an agent key)", async () => {
    const plans = await plansOf((e) => resolve(e, org.agentKeys.main!, null));
    expectIndexed(plans, "api_keys_hash", "sqlite_autoindex_agents_1", "mandates_agent");
  });

  it("agent by name and the default agent (an org key)", async () => {
    expectIndexed(await plansOf((e) => resolve(e, org.orgKey, "other")), "agents_org_name");
    expectIndexed(await plansOf((e) => resolve(e, org.orgKey, null)), "agents_org_default");
  });

  it("transactions by org and time, with and without a time range or an agent", async () => {
    const q = { limit: 50 };
    // The page's receipts by tx id, not by walking every receipt of the org.
    expectIndexed(
      await plansOf((e) => listTransactions(e, org.orgId, q)),
      "transactions_org_time",
      "receipts_tx",
    );
    const range = { ...q, from: 1_700_000_000_001, to: 1_700_000_000_004 };
    expectIndexed(await plansOf((e) => listTransactions(e, org.orgId, range)), "transactions_org_time");
    const first = await listTransactions(env, org.orgId, { limit: 2 });
    const next = { ...q, cursor: first.nextCursor ?? undefined };
    // A next page starts its index walk at the cursor, not at the newest row.
    expectIndexed(await plansOf((e) => listTransactions(e, org.orgId, next)), "(org_id=? AND created_at<?)");
    const mine = { ...q, agentId: org.agentIds.main! };
    expectIndexed(await plansOf((e) => listTransactions(e, org.orgId, mine)), "transactions_agent_time");
    const denied = { ...q, status: "denied" as const };
    expectIndexed(await plansOf((e) => listTransactions(e, org.orgId, denied)), "transactions_org_status");
  });

  it("approvals by org and status, and every status", async () => {
    const pending = { status: "pending" as const, limit: 100 };
    expectIndexed(await plansOf((e) => listApprovals(e, org.orgId, pending)), "approvals_org_status");
    const all = { status: "all" as const, limit: 100 };
    expectIndexed(await plansOf((e) => listApprovals(e, org.orgId, all)), "approvals_org_time");
  });

  it("the pages of agents, keys and wallets, and lookups by id", async () => {
    expectIndexed(await plansOf((e) => listAgents(e, org.orgId, { limit: 100 })), "agents_org_time");
    expectIndexed(await plansOf((e) => listKeys(e, org.orgId, { limit: 100 })), "api_keys_org");
    expectIndexed(await plansOf((e) => listWallets(e, org.orgId, { limit: 100 })), "wallets_org_time");
    const ids = Object.values(org.agentIds);
    expectIndexed(await plansOf((e) => agentsByIds(e, org.orgId, ids)), "sqlite_autoindex_agents_1");
    expectIndexed(await plansOf((e) => currentMandateRows(e, org.orgId, ids)), "mandates_agent");
  });

  it("the overview's spend sums per agent and day", async () => {
    const starts = [1_699_999_000_000, 1_700_000_000_002];
    const plans = await plansOf((e) => committedPerDay(e, org.orgId, [org.agentIds.main!], starts));
    for (const plan of plans) expect(fullScans(plan), plan.join(" | ")).toEqual([]);
    expect(plans.flat().join("\n")).toMatch(/SEARCH transactions USING INDEX transactions_/);
  });
});
