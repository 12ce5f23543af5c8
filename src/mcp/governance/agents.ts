// Which agent a governance tool speaks about (the calling agent, or on org keys one named agent,
// found by name through the tenant's agent cache), its mandate and budgets as tools show them, and
// tollgate_list_agents: a page of the org's agents, never all of them.
import type { z } from "zod";
import { formatAmount } from "../../money";
import type { Mandate } from "../../policy";
import { listAgents } from "../../services/agents";
import { budgetBalances } from "../../services/budgets";
import type { INPUTS } from "../../services/governance-tools";
import { currentMandateRows } from "../../services/mandates";
import { mandateFromRow } from "../../services/stored";
import { agentByName, ledgerRoute } from "../../services/tenant";
import type { GatewayCtx } from "../context";
import { ok } from "./results";

export type TargetAgent = { id: string; name: string; mandate: Mandate | null };

export async function targetAgent(g: GatewayCtx, name: string | undefined): Promise<TargetAgent | null> {
  const self = g.tenant.agent;
  if (name === undefined || name === self.name)
    return { id: self.id, name: self.name, mandate: g.tenant.mandate };
  if (g.tenant.keyScope !== "org") return null;
  const other = await agentByName(g.env, g.tenant.orgId, name, Date.now());
  if (!other) return null;
  return { id: other.agent.id, name: other.agent.name, mandate: other.mandate };
}

export async function budgetsOf(g: GatewayCtx, agent: TargetAgent) {
  // The tenant already holds the policy and the target's mandate: no D1 reads here.
  // The target agent's shard holds its own lines (a sharded org; shared lines are summed anyway).
  const route = ledgerRoute({ ...g.tenant, agent: { ...g.tenant.agent, id: agent.id } });
  const balances = await budgetBalances(
    g.env,
    g.tenant.orgId,
    agent.mandate,
    g.tenant.policy,
    Date.now(),
    route,
  );
  return balances.map((b) => ({
    scope: b.label,
    window: b.window,
    kind: b.kind,
    limit: b.limit,
    spent: b.committed,
    reserved: b.reserved,
    remaining: b.remaining,
    currency: b.currency,
    decimals: b.decimals,
    display: b.display,
    nextReset: b.windowEnd ? new Date(b.windowEnd).toISOString() : null,
  }));
}

export function mandateBrief(agent: TargetAgent) {
  const m = agent.mandate;
  if (!m) return null;
  const fmt = (v: string | undefined) =>
    v === undefined ? null : `${formatAmount(BigInt(v), m.decimals)} ${m.currency}`;
  return {
    currency: m.currency,
    perTransactionLimit: fmt(m.perTransactionLimit),
    budgets: Object.fromEntries(Object.entries(m.budgets).map(([k, v]) => [k, fmt(v)])),
    approvalAbove: fmt(m.approvalThreshold),
  };
}

/** One page of agents and their mandates in two indexed reads, then one ledger read per agent. */
export async function listAgentsPage(g: GatewayCtx, input: z.infer<(typeof INPUTS)["tollgate_list_agents"]>) {
  const page = await listAgents(g.env, g.tenant.orgId, input);
  const mandates = await currentMandateRows(
    g.env,
    g.tenant.orgId,
    page.data.map((a) => a.id),
  );
  const agents = await Promise.all(
    page.data.map(async (a) => {
      const row = mandates.get(a.id);
      const target = { id: a.id, name: a.name, mandate: row ? mandateFromRow(row, a.name) : null };
      return {
        name: a.name,
        description: a.description,
        status: a.status,
        mandate: mandateBrief(target),
        budgets: await budgetsOf(g, target),
      };
    }),
  );
  const text = agents
    .map((a) => `- ${a.name} (${a.status}): ${a.description || "no description"}`)
    .join("\n");
  const more = page.nextCursor
    ? `\nMore agents: call tollgate_list_agents again with cursor "${page.nextCursor}".`
    : "";
  return ok(`Agents of this organization:\n${text}${more}`, { agents, nextCursor: page.nextCursor });
}
