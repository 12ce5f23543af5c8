// Approvals as the operator reads them: the pending queue with its decide forms (also served alone as
// the 5-second refresh fragment), the recently decided list, and one approval.
import type { ApprovalView } from "../../services/schemas/activity";
import type { View } from "../context";
import { duration, money, time } from "../format";
import { Amount } from "./amount";
import { Input } from "./field";
import { Csrf, Layout } from "./layout";
import { AgentPaidBy, type Payers } from "./paid-by";

type Names = Map<string, string>;

export function ApprovalsPage(props: {
  v: View;
  pending: ApprovalView[];
  decided: ApprovalView[];
  names: Names;
  payers: Payers;
}) {
  const { v, names } = props;
  return (
    <Layout v={v} title="Approvals" refreshSeconds={30}>
      <div id="approval-list" data-src="/dashboard/approvals/fragment" aria-live="polite">
        <PendingTable rows={props.pending} names={names} payers={props.payers} csrf={v.csrf} now={v.now} />
      </div>
      <h2>Recently decided</h2>
      {props.decided.length === 0 ? (
        <p class="muted">None yet.</p>
      ) : (
        <ul id="decided">
          {props.decided.map((a) => (
            <li>
              <a href={`/dashboard/approvals/${a.id}`}>{a.tool}</a> for {names.get(a.agentId) ?? a.agentId} (
              <Amount m={a.price} />, paid by <AgentPaidBy agentId={a.agentId} payers={props.payers} />
              ): <span class={`status ${a.status}`}>{a.status}</span>
              {a.note ? ` — “${a.note}”` : ""}{" "}
              <span class="muted">{time(a.decidedAt ?? a.createdAt, v.tz)}</span>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

export function PendingTable(props: {
  rows: ApprovalView[];
  names: Names;
  payers: Payers;
  csrf: string;
  now: number;
}) {
  if (props.rows.length === 0) return <p class="muted">No approvals waiting.</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">Tool</th>
            <th scope="col" class="num">
              Price
            </th>
            <th scope="col">Vendor</th>
            <th scope="col">Paid by</th>
            <th scope="col">Rule</th>
            <th scope="col">Time left</th>
            <th scope="col">Decision</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((a) => (
            <PendingRow
              a={a}
              name={props.names.get(a.agentId) ?? a.agentId}
              payers={props.payers}
              csrf={props.csrf}
              now={props.now}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

type RowProps = { a: ApprovalView; name: string; payers: Payers; csrf: string; now: number };

function PendingRow({ a, name, payers, csrf, now }: RowProps) {
  return (
    <tr data-approval={a.id}>
      <td>{name}</td>
      <td>
        <a href={`/dashboard/approvals/${a.id}`}>{a.tool}</a>
        <div class="muted">{a.argsSummary}</div>
      </td>
      <td class="num">
        <Amount m={a.price} />
      </td>
      <td>{a.vendor ?? "—"}</td>
      <td class="paid-by">
        <AgentPaidBy agentId={a.agentId} payers={payers} />
      </td>
      <td>
        {a.rule}
        <div class="muted">{a.reason}</div>
      </td>
      <td>{duration(a.expiresAt - now)}</td>
      <td>
        <form method="post" action={`/dashboard/approvals/${a.id}/decide`} class="row">
          <Csrf token={csrf} />
          <Input id={`note-${a.id}`} name="note" label="Note" maxlength={2000} />
          {a.price === null ? <MaxPriceFields id={a.id} /> : null}
          <button type="submit" name="decision" value="approved">
            Approve
          </button>
          <button type="submit" name="decision" value="rejected" class="danger">
            Reject
          </button>
        </form>
      </td>
    </tr>
  );
}

/** Unpriced approvals only: without a ceiling the policy's own caps judge the price later. */
function MaxPriceFields({ id }: { id: string }) {
  return (
    <>
      <Input
        id={`max-${id}`}
        name="maxAmount"
        label="Max price"
        inputmode="decimal"
        placeholder="optional"
        size={8}
        maxlength={40}
      />
      <Input id={`cur-${id}`} name="maxCurrency" label="Currency" value="pathUSD" size={8} maxlength={32} />
    </>
  );
}

export function ApprovalPage(props: { v: View; a: ApprovalView; name: string; payers: Payers }) {
  const { v, a, name } = props;
  return (
    <Layout v={v} title={`Approval: ${a.tool}`}>
      <dl class="kv">
        <dt>Status</dt>
        <dd class={`status ${a.status}`}>{a.status}</dd>
        <dt>Agent</dt>
        <dd>{name}</dd>
        <dt>Tool</dt>
        <dd>{a.tool}</dd>
        <dt>Arguments</dt>
        <dd>{a.argsSummary}</dd>
        <dt>Price</dt>
        <dd>
          <Amount m={a.price} />
        </dd>
        <dt>Max price</dt>
        <dd>
          <Amount m={a.maxPrice} />
        </dd>
        <dt>Vendor</dt>
        <dd>{a.vendor ?? "—"}</dd>
        <dt>Paid by</dt>
        <dd id="paid-by">
          <AgentPaidBy agentId={a.agentId} payers={props.payers} />
        </dd>
        <dt>Rule</dt>
        <dd>{a.rule}</dd>
        <dt>Reason</dt>
        <dd>{a.reason}</dd>
        <dt>Note</dt>
        <dd>{a.note ?? "—"}</dd>
        <dt>Requested</dt>
        <dd>{time(a.createdAt, v.tz)}</dd>
        <dt>Expires</dt>
        <dd>{time(a.expiresAt, v.tz)}</dd>
        <dt>Decided</dt>
        <dd>{time(a.decidedAt, v.tz)}</dd>
      </dl>
      <p>
        <a href="/dashboard/approvals">Back to approvals</a>
      </p>
    </Layout>
  );
}

/** The flash after a decision: "Approved research_report (15.00 pathUSD)." */
export function decidedText(
  decision: "approved" | "rejected",
  a: Pick<ApprovalView, "tool" | "price">,
): string {
  return `${decision === "approved" ? "Approved" : "Rejected"} ${a.tool} (${money(a.price)}).`;
}
