// Overview: a page of agents, their budget balances (a ledger that cannot be read shows as unavailable,
// not as an error page) and 30 days of committed spend summed by D1, recent denials and pending
// approvals; the view is views/overview.tsx. Nothing here grows with the org's agents or transactions.
import type { Hono } from "hono";
import { agentsByIds, listAgents } from "../../services/agents";
import { listApprovals } from "../../services/approvals";
import { budgetBalances } from "../../services/budgets";
import { currentMandateRows } from "../../services/mandates";
import { activePolicyRow } from "../../services/policies";
import { mandateFromRow, storedPolicy } from "../../services/stored";
import { listTransactions } from "../../services/transactions";
import { type DashEnv, view } from "../context";
import { dailySpend } from "../spend";
import { OverviewPage } from "../views/overview";
import { nextPageHref } from "../views/pager";

/** Agent cards per page: each reads the ledger once. */
const PAGE = 24;

export function overviewRoutes(app: Hono<DashEnv>) {
  app.get("/", async (c) => {
    const v = view(c);
    const orgId = c.get("session").orgId;
    const agents = await listAgents(c.env, orgId, { cursor: c.req.query("cursor"), limit: PAGE });
    const ids = agents.data.map((a) => a.id);
    const [pending, denials, spend, mandates, policyRow] = await Promise.all([
      listApprovals(c.env, orgId, { status: "pending", limit: 200 }),
      listTransactions(c.env, orgId, { status: "denied", limit: 10 }),
      dailySpend(c.env, orgId, ids, v.tz, v.now, 30),
      currentMandateRows(c.env, orgId, ids),
      activePolicyRow(c.env, orgId),
    ]);
    const policy = policyRow ? storedPolicy(policyRow) : null;
    const balances = await Promise.all(
      agents.data.map((a) => {
        const row = mandates.get(a.id);
        const mandate = row ? mandateFromRow(row, a.name) : null;
        return budgetBalances(c.env, orgId, mandate, policy, v.now).catch(() => null);
      }),
    );
    const cards = agents.data.map((agent, i) => ({
      agent,
      balances: balances[i] ?? null,
      spend: spend.series.filter((s) => s.agentId === agent.id),
    }));
    // Denials may be by agents of other pages: their names are read by id.
    const denied = denials.data.flatMap((t) => (t.agentId ? [t.agentId] : []));
    const named = await agentsByIds(c.env, orgId, denied);
    return c.html(
      <OverviewPage
        v={v}
        pendingCount={pending.data.length}
        cards={cards}
        dayStarts={spend.starts}
        denials={denials.data}
        names={new Map([...agents.data, ...named].map((a) => [a.id, a.name]))}
        nextHref={nextPageHref("/dashboard", agents.nextCursor)}
      />,
    );
  });
}
