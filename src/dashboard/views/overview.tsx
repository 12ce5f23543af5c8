// The overview as the operator reads it: per agent, budget bars with their next reset and 7- and 30-day
// spend charts; recent denials; the number of pending approvals.

import type { BalanceView, TransactionView } from "../../services/schemas/activity";
import type { AgentView } from "../../services/schemas/agents";
import type { View } from "../context";
import { time } from "../format";
import type { SpendSeries } from "../spend";
import { Amount } from "./amount";
import { BudgetBar, SpendChart } from "./charts";
import { Layout } from "./layout";
import { NextPage } from "./pager";

export type AgentCard = {
  agent: Pick<AgentView, "id" | "name" | "status">;
  /** null when the budget ledger could not be read. */
  balances: BalanceView[] | null;
  spend: SpendSeries[];
};

export function OverviewPage(props: {
  v: View;
  pendingCount: number;
  cards: AgentCard[];
  dayStarts: number[];
  denials: TransactionView[];
  names: ReadonlyMap<string, string>;
  /** The next page of agent cards, when the org has more agents than one page shows. */
  nextHref: string | null;
}) {
  const { v, pendingCount: n } = props;
  return (
    <Layout v={v} title="Overview">
      <p class="card" id="pending-count">
        <a href="/dashboard/approvals">
          <strong>{n}</strong> pending approval{n === 1 ? "" : "s"}
        </a>
      </p>
      {props.cards.length === 0 ? (
        <p>
          No agents yet. <a href="/dashboard/agents">Create one</a>.
        </p>
      ) : null}
      <div class="grid">
        {props.cards.map((card) => (
          <AgentSection card={card} starts={props.dayStarts} v={v} />
        ))}
      </div>
      <NextPage href={props.nextHref} label="More agents" />
      <h2>Recent denials</h2>
      <Denials rows={props.denials} names={props.names} tz={v.tz} />
    </Layout>
  );
}

function AgentSection({ card, starts, v }: { card: AgentCard; starts: number[]; v: View }) {
  const a = card.agent;
  const last = (n: number, s: SpendSeries) =>
    starts.slice(-n).map((start, d) => ({ start, amount: s.perDay[starts.length - n + d] ?? 0n }));
  return (
    <section class="card agent" aria-labelledby={`agent-${a.id}`} data-agent={a.name}>
      <h2 id={`agent-${a.id}`}>
        <a href={`/dashboard/agents/${a.id}`}>{a.name}</a>
        {a.status === "paused" ? <span class="status denied"> (paused)</span> : null}
      </h2>
      <Balances balances={card.balances} tz={v.tz} now={v.now} />
      {card.spend.map((s) => (
        <>
          <SpendChart
            title="Last 7 days"
            days={last(7, s)}
            currency={s.currency}
            decimals={s.decimals}
            tz={v.tz}
          />
          <SpendChart
            title="Last 30 days"
            days={last(30, s)}
            currency={s.currency}
            decimals={s.decimals}
            tz={v.tz}
          />
        </>
      ))}
      {card.spend.length === 0 ? <p class="muted">No committed spend in the last 30 days.</p> : null}
    </section>
  );
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

function Denials(props: { rows: TransactionView[]; names: ReadonlyMap<string, string>; tz: string }) {
  const { rows, names, tz } = props;
  if (rows.length === 0) return <p class="muted">No denials.</p>;
  return (
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
          {rows.map((t) => (
            <tr>
              <td>
                <a href={`/dashboard/transactions/${t.id}`}>{time(t.createdAt, tz)}</a>
              </td>
              <td>{t.agentId ? (names.get(t.agentId) ?? t.agentId) : "—"}</td>
              <td>{t.tool ?? "—"}</td>
              <td class="num">
                <Amount m={t.price} />
              </td>
              <td>
                <code>{t.reasonCode ?? ""}</code> {t.reason ?? ""}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
