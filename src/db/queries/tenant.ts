// What the gateway needs to serve one agent of one org, in indexed queries whose cost does not grow
// with the org: the org-wide part (org row, active policy, active upstreams) and one agent's part
// (its row, current mandate, paying wallet). Nothing here reads every agent of an org.
import { and, asc, desc, eq } from "drizzle-orm";
import type { Db } from "../client";
import { agents, apiKeys, mandates, orgs, policies, upstreams, walletMethods, wallets } from "../schema";

export type KeyRow = typeof apiKeys.$inferSelect;
export type AgentRow = typeof agents.$inferSelect;
export type MandateRow = typeof mandates.$inferSelect;
export type PolicyRow = typeof policies.$inferSelect;
export type UpstreamRow = typeof upstreams.$inferSelect;
export type OrgRow = typeof orgs.$inferSelect;
export type WalletRow = typeof wallets.$inferSelect;
export type WalletMethodRow = typeof walletMethods.$inferSelect;

export async function findKeyByHash(d: Db, hash: string): Promise<KeyRow | undefined> {
  return d.select().from(apiKeys).where(eq(apiKeys.hash, hash)).get();
}

export async function touchKey(d: Db, id: string, now: number): Promise<void> {
  await d.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, id)).run();
}

/** The org-wide configuration: the same for every agent of the org. */
export type OrgConfig = { org: OrgRow; policy: PolicyRow | null; upstreams: UpstreamRow[] };

export async function loadOrgConfig(d: Db, orgId: string): Promise<OrgConfig | null> {
  const [orgRows, policyRows, upstreamRows] = await d.batch([
    d.select().from(orgs).where(eq(orgs.id, orgId)),
    d
      .select()
      .from(policies)
      .where(and(eq(policies.orgId, orgId), eq(policies.active, true)))
      .orderBy(desc(policies.version))
      .limit(1),
    d
      .select()
      .from(upstreams)
      .where(and(eq(upstreams.orgId, orgId), eq(upstreams.status, "active"))),
  ]);
  const org = orgRows[0];
  if (!org) return null;
  return { org, policy: policyRows[0] ?? null, upstreams: upstreamRows };
}

/** Which agent of the org: by id (agent keys), by name (org keys on /agents/<name>/mcp), or the default. */
export type AgentSelector = { id: string } | { name: string } | { default: true };

/** One agent with what it is judged and paid by; the wallet only when Tollgate pays for it. */
export type AgentConfig = {
  agent: AgentRow;
  mandate: MandateRow | null;
  wallet: WalletRow | null;
  walletMethods: WalletMethodRow[];
};

/**
 * The default agent of an org key: the one marked default, else the only agent (two rows read at
 * most: index agents_org_default, then agents_org_name's prefix with LIMIT 2).
 */
async function defaultAgent(d: Db, orgId: string): Promise<AgentRow | undefined> {
  const [marked, firstTwo] = await d.batch([
    d
      .select()
      .from(agents)
      .where(and(eq(agents.orgId, orgId), eq(agents.isDefault, true)))
      .limit(1),
    d.select().from(agents).where(eq(agents.orgId, orgId)).limit(2),
  ]);
  return marked[0] ?? (firstTwo.length === 1 ? firstTwo[0] : undefined);
}

export async function findAgent(d: Db, orgId: string, which: AgentSelector): Promise<AgentRow | undefined> {
  if ("default" in which) return defaultAgent(d, orgId);
  const match = "id" in which ? eq(agents.id, which.id) : eq(agents.name, which.name);
  return d
    .select()
    .from(agents)
    .where(and(eq(agents.orgId, orgId), match))
    .get();
}

export function currentMandateQuery(d: Db, orgId: string, agentId: string) {
  return d
    .select()
    .from(mandates)
    .where(and(eq(mandates.orgId, orgId), eq(mandates.agentId, agentId), eq(mandates.active, true)))
    .orderBy(desc(mandates.version))
    .limit(1);
}

/**
 * The agent with its mandate and (tollgate-pays only) its wallet and the wallet's methods. By id (an
 * agent key, the common case) the agent and its mandate come in one batch; by name or default the
 * mandate follows the agent. A paying wallet is one more batch.
 */
export async function loadAgentConfig(
  d: Db,
  orgId: string,
  which: AgentSelector,
): Promise<AgentConfig | null> {
  let agent: AgentRow | undefined;
  let mandate: MandateRow | undefined;
  if ("id" in which) {
    const [agentRows, mandateRows] = await d.batch([
      d
        .select()
        .from(agents)
        .where(and(eq(agents.orgId, orgId), eq(agents.id, which.id))),
      currentMandateQuery(d, orgId, which.id),
    ]);
    [agent, mandate] = [agentRows[0], mandateRows[0]];
  } else {
    agent = await findAgent(d, orgId, which);
    if (agent) [mandate] = await currentMandateQuery(d, orgId, agent.id);
  }
  if (!agent) return null;
  const walletId = agent.payMode === "tollgate-pays" ? agent.walletId : null;
  if (walletId === null) return { agent, mandate: mandate ?? null, wallet: null, walletMethods: [] };
  const [walletRows, methodRows] = await d.batch([
    d
      .select()
      .from(wallets)
      .where(and(eq(wallets.orgId, orgId), eq(wallets.id, walletId))),
    d
      .select()
      .from(walletMethods)
      .where(and(eq(walletMethods.orgId, orgId), eq(walletMethods.walletId, walletId)))
      .orderBy(asc(walletMethods.createdAt), asc(walletMethods.id)),
  ]);
  return { agent, mandate: mandate ?? null, wallet: walletRows[0] ?? null, walletMethods: methodRows };
}
