// Approvals: the pending queue (refreshed as a fragment every 5 s), decide with a note (and, for a
// call asked before its price was known, a max price), recent decisions, and one approval by id.
import type { Hono } from "hono";
import { AppError } from "../../errors";
import { listAgents } from "../../services/agents";
import { approvalView, decideApproval, listApprovals, requireApproval } from "../../services/approvals";
import { type ApprovalView, MaxPrice } from "../../services/schemas/activity";
import { validate } from "../../services/validate";
import { act, field, form } from "../actions";
import { type DashContext, type DashEnv, view } from "../context";
import { duration, money, time } from "../format";
import { Csrf, Layout } from "../layout";

async function agentNames(c: DashContext): Promise<Map<string, string>> {
  return new Map((await listAgents(c.env, c.get("session").orgId)).map((a) => [a.id, a.name]));
}

function PendingTable(props: {
  rows: ApprovalView[];
  names: Map<string, string>;
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
            <th scope="col">Rule</th>
            <th scope="col">Time left</th>
            <th scope="col">Decision</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((a) => (
            <tr data-approval={a.id}>
              <td>{props.names.get(a.agentId) ?? a.agentId}</td>
              <td>
                <a href={`/dashboard/approvals/${a.id}`}>{a.tool}</a>
                <div class="muted">{a.argsSummary}</div>
              </td>
              <td class="num">{money(a.price)}</td>
              <td>{a.vendor ?? "—"}</td>
              <td>
                {a.rule}
                <div class="muted">{a.reason}</div>
              </td>
              <td>{duration(a.expiresAt - props.now)}</td>
              <td>
                <form method="post" action={`/dashboard/approvals/${a.id}/decide`} class="row">
                  <Csrf token={props.csrf} />
                  <label for={`note-${a.id}`}>
                    Note
                    <input type="text" id={`note-${a.id}`} name="note" maxlength={2000} />
                  </label>
                  {a.price === null ? <MaxPriceField id={a.id} /> : null}
                  <button type="submit" name="decision" value="approved">
                    Approve
                  </button>
                  <button type="submit" name="decision" value="rejected" class="danger">
                    Reject
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Unpriced approvals only: without a ceiling the policy's own caps judge the price later. */
function MaxPriceField({ id }: { id: string }) {
  return (
    <>
      <label for={`max-${id}`}>
        Max price
        <input
          type="text"
          id={`max-${id}`}
          name="maxAmount"
          inputmode="decimal"
          placeholder="optional"
          size={8}
          maxlength={40}
        />
      </label>
      <label for={`cur-${id}`}>
        Currency
        <input type="text" id={`cur-${id}`} name="maxCurrency" value="PATHUSD" size={8} maxlength={32} />
      </label>
    </>
  );
}

/** The form's max price, validated like the API body (400s become the flash message). */
function maxPriceOf(amount: string, currency: string): MaxPrice | undefined {
  if (!amount) return undefined;
  return validate(MaxPrice, { amount, currency }, "max price");
}

function Detail({ a, name, tz }: { a: ApprovalView; name: string; tz: string }) {
  return (
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
      <dd>{money(a.price)}</dd>
      <dt>Max price</dt>
      <dd>{a.maxPrice ? money(a.maxPrice) : "—"}</dd>
      <dt>Vendor</dt>
      <dd>{a.vendor ?? "—"}</dd>
      <dt>Rule</dt>
      <dd>{a.rule}</dd>
      <dt>Reason</dt>
      <dd>{a.reason}</dd>
      <dt>Note</dt>
      <dd>{a.note ?? "—"}</dd>
      <dt>Requested</dt>
      <dd>{time(a.createdAt, tz)}</dd>
      <dt>Expires</dt>
      <dd>{time(a.expiresAt, tz)}</dd>
      <dt>Decided</dt>
      <dd>{time(a.decidedAt, tz)}</dd>
    </dl>
  );
}

export function approvalRoutes(app: Hono<DashEnv>) {
  app.get("/approvals", async (c) => {
    const now = Date.now();
    const v = view(c, now);
    const orgId = c.get("session").orgId;
    const [pending, recent, names] = await Promise.all([
      listApprovals(c.env, orgId, { status: "pending", limit: 200 }),
      listApprovals(c.env, orgId, { status: "all", limit: 30 }),
      agentNames(c),
    ]);
    const decided = recent.filter((a) => a.status !== "pending");
    return c.html(
      <Layout v={v} title="Approvals" refreshSeconds={30}>
        <div id="approval-list" data-src="/dashboard/approvals/fragment" aria-live="polite">
          <PendingTable rows={pending} names={names} csrf={v.csrf} now={now} />
        </div>
        <h2>Recently decided</h2>
        {decided.length === 0 ? (
          <p class="muted">None yet.</p>
        ) : (
          <ul id="decided">
            {decided.map((a) => (
              <li>
                <a href={`/dashboard/approvals/${a.id}`}>{a.tool}</a> for {names.get(a.agentId) ?? a.agentId}{" "}
                ({money(a.price)}): <span class={`status ${a.status}`}>{a.status}</span>
                {a.note ? ` — “${a.note}”` : ""}{" "}
                <span class="muted">{time(a.decidedAt ?? a.createdAt, v.tz)}</span>
              </li>
            ))}
          </ul>
        )}
      </Layout>,
    );
  });

  app.get("/approvals/fragment", async (c) => {
    const now = Date.now();
    const orgId = c.get("session").orgId;
    const [pending, names] = await Promise.all([
      listApprovals(c.env, orgId, { status: "pending", limit: 200 }),
      agentNames(c),
    ]);
    return c.html(<PendingTable rows={pending} names={names} csrf={c.get("csrf")} now={now} />);
  });

  app.get("/approvals/:id", async (c) => {
    const v = view(c);
    const a = approvalView(await requireApproval(c.env, c.get("session").orgId, c.req.param("id")));
    const names = await agentNames(c);
    return c.html(
      <Layout v={v} title={`Approval: ${a.tool}`}>
        <Detail a={a} name={names.get(a.agentId) ?? a.agentId} tz={v.tz} />
        <p>
          <a href="/dashboard/approvals">Back to approvals</a>
        </p>
      </Layout>,
    );
  });

  app.post("/approvals/:id/decide", async (c) => {
    const f = await form(c);
    const decision = field(f, "decision");
    const note = field(f, "note");
    const maxAmount = field(f, "maxAmount");
    const maxCurrency = field(f, "maxCurrency");
    return act(c, "/dashboard/approvals", async () => {
      if (decision !== "approved" && decision !== "rejected")
        throw new AppError("BAD_REQUEST", "Choose approve or reject");
      const maxPrice = decision === "approved" ? maxPriceOf(maxAmount, maxCurrency) : undefined;
      const a = await decideApproval(
        c.env,
        c.get("session").orgId,
        c.req.param("id"),
        decision,
        note || null,
        Date.now(),
        maxPrice,
      );
      return `${decision === "approved" ? "Approved" : "Rejected"} ${a.tool} (${money(a.price)}).`;
    });
  });
}
