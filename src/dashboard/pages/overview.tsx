// Overview: agents, their budget balances (a ledger that cannot be read shows as unavailable, not as an
// error page), 30 days of committed spend, recent denials and pending approvals; the view is
// views/overview.tsx.
import type { Hono } from "hono";
import { listAgents } from "../../services/agents";
import { listApprovals } from "../../services/approvals";
import { agentBudgets } from "../../services/budgets";
import { listTransactions } from "../../services/transactions";
import { type DashEnv, view } from "../context";
import { dailySpend } from "../spend";
import { OverviewPage } from "../views/overview";

export function overviewRoutes(app: Hono<DashEnv>) {
  app.get("/", async (c) => {
    const v = view(c);
    const orgId = c.get("session").orgId;
    const [agents, pending, denials, spend] = await Promise.all([
      listAgents(c.env, orgId),
      listApprovals(c.env, orgId, { status: "pending", limit: 200 }),
      listTransactions(c.env, orgId, { status: "denied", limit: 10 }),
      dailySpend(c.env, orgId, v.tz, v.now, 30),
    ]);
    const balances = await Promise.all(
      agents.map((a) =>
        agentBudgets(c.env, orgId, a.id, v.now).then(
          (r) => r.balances,
          () => null,
        ),
      ),
    );
    const cards = agents.map((agent, i) => ({
      agent,
      balances: balances[i] ?? null,
      spend: spend.series.filter((s) => s.agentId === agent.id),
    }));
    return c.html(
      <OverviewPage
        v={v}
        pendingCount={pending.length}
        cards={cards}
        dayStarts={spend.starts}
        denials={denials.data}
        names={new Map(agents.map((a) => [a.id, a.name]))}
      />,
    );
  });
}
