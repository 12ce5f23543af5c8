// Loads everything the gateway needs to serve one agent of one org, in one D1 batch.
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

export type OrgConfig = {
  org: OrgRow;
  agents: AgentRow[];
  mandates: MandateRow[];
  policy: PolicyRow | null;
  upstreams: UpstreamRow[];
  wallets: WalletRow[];
  walletMethods: WalletMethodRow[];
};

export async function loadOrgConfig(d: Db, orgId: string): Promise<OrgConfig | null> {
  const [orgRows, agentRows, mandateRows, policyRows, upstreamRows, walletRows, methodRows] = await d.batch([
    d.select().from(orgs).where(eq(orgs.id, orgId)),
    d.select().from(agents).where(eq(agents.orgId, orgId)),
    d
      .select()
      .from(mandates)
      .where(and(eq(mandates.orgId, orgId), eq(mandates.active, true))),
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
    d.select().from(wallets).where(eq(wallets.orgId, orgId)),
    d
      .select()
      .from(walletMethods)
      .where(eq(walletMethods.orgId, orgId))
      .orderBy(asc(walletMethods.createdAt)),
  ]);
  const org = orgRows[0];
  if (!org) return null;
  return {
    org,
    agents: agentRows,
    mandates: mandateRows,
    policy: policyRows[0] ?? null,
    upstreams: upstreamRows,
    wallets: walletRows,
    walletMethods: methodRows,
  };
}
