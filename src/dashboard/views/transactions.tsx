// Transactions as the operator reads them: the filters (errors at their fields), a page of rows that
// expand to their rule results and payment references, and one transaction with its exact base units.
import { TRANSACTION_STATUSES } from "../../ledger/statuses";
import type { TransactionView } from "../../services/schemas/activity";
import type { View } from "../context";
import { instantToLocalInput, time } from "../format";
import type { TxFilter } from "../tx-filter";
import { Amount } from "./amount";
import { Input, Select } from "./field";
import { Layout } from "./layout";
import { PaidBy, type WalletNames } from "./paid-by";

type Agent = { id: string; name: string };

export function TransactionsPage(props: {
  v: View;
  f: TxFilter;
  /** The agents offered by the agent filter (a first page of them, plus the one filtered on). */
  agents: Agent[];
  /** Names of the agents of the rows shown. */
  names: ReadonlyMap<string, string>;
  wallets: WalletNames;
  rows: TransactionView[];
  csvHref: string;
  nextHref: string | null;
}) {
  const { v, f, names } = props;
  return (
    <Layout v={v} title="Transactions">
      <Filters f={f} agents={props.agents} />
      {f.error ? (
        <p class="flash error" role="alert">
          {f.error}
        </p>
      ) : null}
      <p>
        <a href={props.csvHref} download="transactions.csv">
          Export CSV
        </a>{" "}
        <span class="muted">(times in {v.tz}; amounts in each row's currency, exact)</span>
      </p>
      <TxTable rows={props.rows} names={names} wallets={props.wallets} tz={v.tz} />
      {props.rows.length === 0 ? <p class="muted">No transactions match.</p> : null}
      {props.nextHref ? (
        <p>
          <a href={props.nextHref} rel="next">
            Older transactions
          </a>
        </p>
      ) : null}
    </Layout>
  );
}

function TxTable(props: {
  rows: TransactionView[];
  names: ReadonlyMap<string, string>;
  wallets: WalletNames;
  tz: string;
}) {
  const { rows, names, tz } = props;
  return (
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
            <th scope="col">Paid by</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => (
            <tr data-tx={t.id}>
              <td>
                <a href={`/dashboard/transactions/${t.id}`}>{time(t.createdAt, tz)}</a>
              </td>
              <td>{t.agentId ? (names.get(t.agentId) ?? t.agentId) : "—"}</td>
              <td>{t.tool ?? "—"}</td>
              <td class={`status ${t.status}`}>{t.status}</td>
              <td class="num">
                <Amount m={t.price} />
              </td>
              <td class="paid-by">
                <PaidBy walletId={t.walletId} wallets={props.wallets} />
              </td>
              <td>
                <TxDetails t={t} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Filters({ f, agents }: { f: TxFilter; agents: Agent[] }) {
  const e = f.fieldErrors;
  const all = { value: "", label: "All" };
  return (
    <form method="get" action="/dashboard/transactions" class="card row" aria-label="Filter transactions">
      <Select
        id="f-agent"
        name="agentId"
        label="Agent"
        options={[all, ...agents.map((a) => ({ value: a.id, label: a.name }))]}
        value={f.agentId}
      />
      <Input id="f-tool" name="tool" label="Tool" value={f.tool} size={14} />
      <Select
        id="f-status"
        name="status"
        label="Status"
        options={[all, ...TRANSACTION_STATUSES]}
        value={f.status}
      />
      <Input id="f-from" name="from" label="From" type="datetime-local" value={f.fromText} error={e.from} />
      <Input id="f-to" name="to" label="To" type="datetime-local" value={f.toText} error={e.to} />
      <Input
        id="f-min"
        name="min"
        label="Min amount"
        inputmode="decimal"
        value={f.min}
        size={8}
        error={e.min}
      />
      <Input
        id="f-max"
        name="max"
        label="Max amount"
        inputmode="decimal"
        value={f.max}
        size={8}
        error={e.max}
      />
      <button type="submit">Filter</button>
      <a href="/dashboard/transactions">Clear</a>
    </form>
  );
}

type RuleResult = { name?: string; source?: string; passed?: boolean; reason?: string };

function TxDetails({ t }: { t: TransactionView }) {
  const rules = t.rules as RuleResult[];
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
        <dd>
          <Amount m={t.committed} />
        </dd>
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

function BaseUnits({ m }: { m: TransactionView["price"] }) {
  return <>{m ? `${m.amount} (${m.decimals} decimals)` : "—"}</>;
}

export function TransactionPage({ v, t, wallets }: { v: View; t: TransactionView; wallets: WalletNames }) {
  return (
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
        <dd>
          <Amount m={t.price} />
        </dd>
        <dt>Price in base units</dt>
        <dd>
          <BaseUnits m={t.price} />
        </dd>
        <dt>Committed in base units</dt>
        <dd>
          <BaseUnits m={t.committed} />
        </dd>
        <dt>Vendor</dt>
        <dd>{t.vendor ?? "—"}</dd>
        <dt>Paid by</dt>
        <dd id="paid-by">
          <PaidBy walletId={t.walletId} wallets={wallets} />
        </dd>
        <dt>Updated</dt>
        <dd>{time(t.updatedAt, v.tz)}</dd>
        <dt>Local time input</dt>
        <dd>{instantToLocalInput(t.createdAt, v.tz)}</dd>
      </dl>
      <TxDetails t={t} />
    </Layout>
  );
}
