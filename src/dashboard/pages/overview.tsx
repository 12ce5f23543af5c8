// Overview: per agent, budget bars with next reset and 7/30-day spend charts; recent denials; the
// number of pending approvals.
import type { Hono } from "hono";
import { listAgents } from "../../services/agents";
import { listApprovals } from "../../services/approvals";
import { agentBudgets } from "../../services/budgets";
import type { BalanceView } from "../../services/schemas/activity";
import { listTransactions } from "../../services/transactions";
import { BudgetBar, SpendChart } from "../charts";
import { type DashEnv, view } from "../context";
import { money, time } from "../format";
import { Layout } from "../layout";
import { dailySpend } from "../spend";

export function overviewRoutes(app: Hono<DashEnv>) {
  app.get("/", async (c) => {
    const now = Date.now();
    const v = view(c, now);
    const orgId = c.get("session").orgId;
    const [agents, pending, denials, spend] = await Promise.all([
      listAgents(c.env, orgId),
      listApprovals(c.env, orgId, { status: "pending", limit: 200 }),
      listTransactions(c.env, orgId, { status: "denied", limit: 10 }),
      dailySpend(c.env, orgId, v.tz, now, 30),
    ]);
    const budgets = await Promise.all(
      agents.map((a) =>
        agentBudgets(c.env, orgId, a.id, now).then(
          (r) => r.balances,
          () => null,
        ),
      ),
    );
    const names = new Map(agents.map((a) => [a.id, a.name]));
    return c.html(
      <Layout v={v} title="Overview">
        <p class="card" id="pending-count">
          <a href="/dashboard/approvals">
            <strong>{pending.length}</strong> pending approval{pending.length === 1 ? "" : "s"}
          </a>
        </p>
        {agents.length === 0 ? (
          <p>
            No agents yet. <a href="/dashboard/agents">Create one</a>.
          </p>
        ) : null}
        <div class="grid">
          {agents.map((a, i) => (
            <section class="card agent" aria-labelledby={`agent-${a.id}`} data-agent={a.name}>
              <h2 id={`agent-${a.id}`}>
                <a href={`/dashboard/agents/${a.id}`}>{a.name}</a>
                {a.status === "paused" ? <span class="status denied"> (paused)</span> : null}
              </h2>
              <Balances balances={budgets[i] ?? null} tz={v.tz} now={now} />
              {spend.series
                .filter((s) => s.agentId === a.id)
                .map((s) => (
                  <>
                    <SpendChart
                      title={`Last 7 days (${s.currency})`}
                      days={spend.starts
                        .slice(-7)
                        .map((start, d) => ({ start, amount: s.perDay[d + 23] ?? 0n }))}
                      currency={s.currency}
                      decimals={s.decimals}
                      tz={v.tz}
                    />
                    <SpendChart
                      title={`Last 30 days (${s.currency})`}
                      days={spend.starts.map((start, d) => ({ start, amount: s.perDay[d] ?? 0n }))}
                      currency={s.currency}
                      decimals={s.decimals}
                      tz={v.tz}
                    />
                  </>
                ))}
              {spend.series.some((s) => s.agentId === a.id) ? null : (
                <p class="muted">No committed spend in the last 30 days.</p>
              )}
            </section>
          ))}
        </div>
        <h2>Recent denials</h2>
        {denials.data.length === 0 ? (
          <p class="muted">No denials.</p>
        ) : (
          <div class="table-wrap">
            <table id="denials">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Agent</th>
                  <th scope="col">Tool</th>
                  <th scope="col" class="num">
                    Price
                  </th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {denials.data.map((t) => (
                  <tr>
                    <td>
                      <a href={`/dashboard/transactions/${t.id}`}>{time(t.createdAt, v.tz)}</a>
                    </td>
                    <td>{t.agentId ? (names.get(t.agentId) ?? t.agentId) : "—"}</td>
                    <td>{t.tool ?? "—"}</td>
                    <td class="num">{money(t.price)}</td>
                    <td>
                      <code>{t.reasonCode ?? ""}</code> {t.reason ?? ""}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Layout>,
    );
  });
}

function Balances({ balances, tz, now }: { balances: BalanceView[] | null; tz: string; now: number }) {
  if (balances === null) return <p class="flash error">The budget ledger is unavailable; try again.</p>;
  if (balances.length === 0) return <p class="muted">No budgets (no mandate or policy limits).</p>;
  return (
    <>
      {balances.map((b) => (
        <BudgetBar b={b} tz={tz} now={now} />
      ))}
    </>
  );
}
