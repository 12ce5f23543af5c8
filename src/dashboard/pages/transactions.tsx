// Transactions: filters (agent, tool, status, local time range, amount range), cursor pages,
// expandable rows with per-rule results and payment references, one row by id, and CSV export.
import type { Hono } from "hono";
import { TRANSACTION_STATUSES } from "../../db/schema/transactions";
import { listAgents } from "../../services/agents";
import type { TransactionView } from "../../services/schemas/activity";
import { getTransaction } from "../../services/transactions";
import { type DashEnv, view } from "../context";
import { instantToLocalInput, money, time } from "../format";
import { Layout } from "../layout";
import { parseFilter, scanTransactions, type TxFilter, toCsv } from "../tx-filter";

const PAGE = 50;

function Filters({ f, agents }: { f: TxFilter; agents: { id: string; name: string }[] }) {
  return (
    <form method="get" action="/dashboard/transactions" class="card row" aria-label="Filter transactions">
      <label for="f-agent">
        Agent
        <select id="f-agent" name="agentId">
          <option value="">All</option>
          {agents.map((a) => (
            <option value={a.id} selected={a.id === f.agentId}>
              {a.name}
            </option>
          ))}
        </select>
      </label>
      <label for="f-tool">
        Tool
        <input id="f-tool" name="tool" value={f.tool} size={14} />
      </label>
      <label for="f-status">
        Status
        <select id="f-status" name="status">
          <option value="">All</option>
          {TRANSACTION_STATUSES.map((s) => (
            <option value={s} selected={s === f.status}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label for="f-from">
        From
        <input id="f-from" name="from" type="datetime-local" value={f.fromText} />
      </label>
      <label for="f-to">
        To
        <input id="f-to" name="to" type="datetime-local" value={f.toText} />
      </label>
      <label for="f-min">
        Min amount
        <input id="f-min" name="min" inputmode="decimal" value={f.min} size={8} />
      </label>
      <label for="f-max">
        Max amount
        <input id="f-max" name="max" inputmode="decimal" value={f.max} size={8} />
      </label>
      <button type="submit">Filter</button>
      <a href="/dashboard/transactions">Clear</a>
    </form>
  );
}

function TxDetails({ t }: { t: TransactionView }) {
  const rules = t.rules as { name?: string; source?: string; passed?: boolean; reason?: string }[];
  return (
    <details>
      <summary>Rules and references</summary>
      <dl class="kv">
        <dt>Decision</dt>
        <dd>
          {t.decision}
          {t.shadow ? " (shadow)" : ""}
        </dd>
        <dt>Reason</dt>
        <dd>{t.reason ?? "—"}</dd>
        <dt>Committed</dt>
        <dd>{money(t.committed)}</dd>
        <dt>Challenge</dt>
        <dd>{t.challengeId ?? "—"}</dd>
        <dt>Receipt</dt>
        <dd>{t.receiptRef ?? "—"}</dd>
        <dt>Approval</dt>
        <dd>{t.approvalId ? <a href={`/dashboard/approvals/${t.approvalId}`}>{t.approvalId}</a> : "—"}</dd>
        <dt>Session</dt>
        <dd>{t.sessionId ?? "—"}</dd>
      </dl>
      {rules.length === 0 ? (
        <p class="muted">No rule results recorded.</p>
      ) : (
        <ul>
          {rules.map((r) => (
            <li>
              <span class={`status ${r.passed ? "allowed" : "denied"}`}>{r.passed ? "pass" : "fail"}</span>{" "}
              {r.name ?? "?"} <span class="muted">({r.source ?? "?"})</span> {r.reason ?? ""}
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}

export function transactionRoutes(app: Hono<DashEnv>) {
  app.get("/transactions", async (c) => {
    const v = view(c);
    const orgId = c.get("session").orgId;
    const f = parseFilter(c.req.query(), v.tz);
    const [agents, page] = await Promise.all([
      listAgents(c.env, orgId),
      f.error ? Promise.resolve({ rows: [], nextCursor: null }) : scanTransactions(c.env, orgId, f, PAGE, 10),
    ]);
    const names = new Map(agents.map((a) => [a.id, a.name]));
    const qs = new URLSearchParams(f.params);
    const csv = `/dashboard/transactions.csv?${qs}`;
    if (page.nextCursor) qs.set("cursor", page.nextCursor);
    return c.html(
      <Layout v={v} title="Transactions">
        <Filters f={f} agents={agents} />
        {f.error ? (
          <p class="flash error" role="alert">
            {f.error}
          </p>
        ) : null}
        <p>
          <a href={csv} download="transactions.csv">
            Export CSV
          </a>{" "}
          <span class="muted">(times in {v.tz}; amounts in each row's currency)</span>
        </p>
        <div class="table-wrap">
          <table id="transactions">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Agent</th>
                <th scope="col">Tool</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Price
                </th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {page.rows.map((t) => (
                <tr data-tx={t.id}>
                  <td>
                    <a href={`/dashboard/transactions/${t.id}`}>{time(t.createdAt, v.tz)}</a>
                  </td>
                  <td>{t.agentId ? (names.get(t.agentId) ?? t.agentId) : "—"}</td>
                  <td>{t.tool ?? "—"}</td>
                  <td class={`status ${t.status}`}>{t.status}</td>
                  <td class="num">{money(t.price)}</td>
                  <td>
                    <TxDetails t={t} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {page.rows.length === 0 ? <p class="muted">No transactions match.</p> : null}
        {page.nextCursor ? (
          <p>
            <a href={`/dashboard/transactions?${qs}`} rel="next">
              Older transactions
            </a>
          </p>
        ) : null}
      </Layout>,
    );
  });

  app.get("/transactions.csv", async (c) => {
    const tz = c.get("tz");
    const f = parseFilter(c.req.query(), tz);
    const page = f.error ? { rows: [] } : await scanTransactions(c.env, c.get("session").orgId, f, 5000, 50);
    return c.body(toCsv(page.rows), 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": 'attachment; filename="transactions.csv"',
    });
  });

  app.get("/transactions/:id", async (c) => {
    const v = view(c);
    const t = await getTransaction(c.env, c.get("session").orgId, c.req.param("id"));
    return c.html(
      <Layout v={v} title={`Transaction ${t.id}`}>
        <dl class="kv">
          <dt>Time</dt>
          <dd>{time(t.createdAt, v.tz)}</dd>
          <dt>Agent</dt>
          <dd>{t.agentId ? <a href={`/dashboard/agents/${t.agentId}`}>{t.agentId}</a> : "—"}</dd>
          <dt>Tool</dt>
          <dd>{t.tool ?? "—"}</dd>
          <dt>Kind</dt>
          <dd>{t.kind}</dd>
          <dt>Status</dt>
          <dd class={`status ${t.status}`}>{t.status}</dd>
          <dt>Price</dt>
          <dd>{money(t.price)}</dd>
          <dt>Vendor</dt>
          <dd>{t.vendor ?? "—"}</dd>
          <dt>Updated</dt>
          <dd>{time(t.updatedAt, v.tz)}</dd>
          <dt>Local time input</dt>
          <dd>{instantToLocalInput(t.createdAt, v.tz)}</dd>
        </dl>
        <TxDetails t={t} />
      </Layout>,
    );
  });
}
