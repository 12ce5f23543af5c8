// Agents and their mandates as the operator reads them: the list with a create form, and one agent
// with its edit, pause, inline-approvals and mandate forms (budgets in major units of the currency).
import { currencyDisplayCode, formatMajor } from "../../money";
import type { AgentView, MandateView } from "../../services/schemas/agents";
import type { WalletView } from "../../services/schemas/wallets";
import type { View } from "../context";
import { time } from "../format";
import { Amount } from "./amount";
import { Input, Select } from "./field";
import { Csrf, Layout } from "./layout";
import { NextPage } from "./pager";

type AgentRow = Pick<AgentView, "id" | "name" | "status" | "description" | "isDefault" | "createdAt">;

function Status({ status }: { status: string }) {
  return <span class={`status ${status === "paused" ? "denied" : "allowed"}`}>{status}</span>;
}

export function AgentsPage({
  v,
  agents,
  nextHref,
}: {
  v: View;
  agents: AgentRow[];
  nextHref: string | null;
}) {
  return (
    <Layout v={v} title="Agents">
      <div class="table-wrap">
        <table id="agents">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Description</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {agents.map((a) => (
              <tr>
                <td>
                  <a href={`/dashboard/agents/${a.id}`}>{a.name}</a>
                  {a.isDefault ? " (default)" : ""}
                </td>
                <td>
                  <Status status={a.status} />
                </td>
                <td>{a.description}</td>
                <td>{time(a.createdAt, v.tz)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <NextPage href={nextHref} label="More agents" />
      <NewAgentForm csrf={v.csrf} />
    </Layout>
  );
}

function NewAgentForm({ csrf }: { csrf: string }) {
  return (
    <form method="post" action="/dashboard/agents" class="stack card" aria-labelledby="new-agent-h">
      <h2 id="new-agent-h">New agent</h2>
      <Csrf token={csrf} />
      <Input
        id="a-name"
        name="name"
        label="Name"
        required
        pattern="[a-z0-9][a-z0-9_\-]{0,62}"
        hint="Lower-case letters, digits, - and _; up to 63 characters."
      />
      <Input id="a-desc" name="description" label="Description" />
      <button type="submit">Create agent</button>
    </form>
  );
}

type Wallet = Pick<WalletView, "id" | "name" | "status">;

export function AgentPage(props: {
  v: View;
  a: AgentView & { mandate: MandateView | null };
  wallets: Wallet[];
}) {
  const { v, a } = props;
  const paused = a.status === "paused";
  return (
    <Layout v={v} title={`Agent ${a.name}`}>
      <p>
        Status: <Status status={a.status} />
      </p>
      <form method="post" action={`/dashboard/agents/${a.id}/status`} class="inline">
        <Csrf token={v.csrf} />
        <input type="hidden" name="status" value={paused ? "active" : "paused"} />
        <button type="submit" class={paused ? "" : "danger"}>
          {paused ? "Resume agent" : "Pause agent"}
        </button>
      </form>
      <form method="post" action={`/dashboard/agents/${a.id}`} class="stack card" aria-labelledby="edit-h">
        <h2 id="edit-h">Edit</h2>
        <Csrf token={v.csrf} />
        <Input id="e-name" name="name" label="Name" required value={a.name} />
        <Input id="e-desc" name="description" label="Description" value={a.description} />
        <button type="submit">Save</button>
      </form>
      <Budgets m={a.mandate} />
      <InlineApprovalsForm id={a.id} value={a.inlineApprovals} csrf={v.csrf} />
      <PaymentForm a={a} wallets={props.wallets} csrf={v.csrf} />
      <MandateForm id={a.id} m={a.mandate} csrf={v.csrf} />
    </Layout>
  );
}

function Budgets({ m }: { m: MandateView | null }) {
  if (!m) return <p class="muted">No mandate yet: the agent spends under the org policy only.</p>;
  return (
    <p id="budgets">
      Budgets: daily <Amount m={m.budgets.daily} />, weekly <Amount m={m.budgets.weekly} />, monthly{" "}
      <Amount m={m.budgets.monthly} />, total <Amount m={m.budgets.total} />; per call{" "}
      <Amount m={m.perTransactionLimit} />.
    </p>
  );
}

type Limit = { amount: string; currency: string; decimals: number } | null | undefined;

/** The limit as a form value in major units: "50.00", never rounded. */
function major(x: Limit): string {
  return x ? formatMajor(BigInt(x.amount), x.currency, x.decimals) : "";
}

const WINDOWS = ["daily", "weekly", "monthly", "total"] as const;

function MandateForm({ id, m, csrf }: { id: string; m: MandateView | null; csrf: string }) {
  return (
    <form
      method="post"
      action={`/dashboard/agents/${id}/mandate`}
      class="stack card"
      aria-labelledby="mandate-h"
    >
      <h2 id="mandate-h">Mandate{m ? ` (version ${m.version})` : ""}</h2>
      <Csrf token={csrf} />
      <div class="row">
        <Input
          id="m-currency"
          name="currency"
          label="Currency"
          required
          value={currencyDisplayCode(m?.currency ?? "USD")}
          size={10}
          hint="USD, USDC, pathUSD…"
        />
        <Input id="m-tz" name="timeZone" label="Budget time zone" value={m?.timeZone ?? "UTC"} size={16} />
      </div>
      <div class="row">
        {WINDOWS.map((w) => (
          <Input
            id={`m-${w}`}
            name={w}
            label={`${w[0]!.toUpperCase()}${w.slice(1)} budget`}
            inputmode="decimal"
            value={major(m?.budgets[w])}
            size={9}
          />
        ))}
      </div>
      <div class="row">
        <Input
          id="m-ptl"
          name="perTransactionLimit"
          label="Per-call limit"
          inputmode="decimal"
          value={major(m?.perTransactionLimit)}
          size={9}
        />
        <Input
          id="m-appr"
          name="approvalThreshold"
          label="Approval above"
          inputmode="decimal"
          value={major(m?.approvalThreshold)}
          size={9}
        />
      </div>
      <p class="muted">Amounts in major units of the currency (50.00); leave one empty for no limit.</p>
      <button type="submit">Save mandate</button>
    </form>
  );
}

/** Form values of the inline-approvals choice and what each means for the agent's setting. */
export const INLINE_CHOICES = { org: null, on: true, off: false } as const;
export type InlineChoice = keyof typeof INLINE_CHOICES;

const INLINE_LABELS: Record<InlineChoice, string> = {
  org: "Org setting",
  on: "On: ask the agent's client",
  off: "Off: operators decide",
};

/** Inline approval asks the agent's own client, so the person (or program) there answers for it. */
function InlineApprovalsForm({ id, value, csrf }: { id: string; value: boolean | null; csrf: string }) {
  const current: InlineChoice = value === null ? "org" : value ? "on" : "off";
  return (
    <form
      method="post"
      action={`/dashboard/agents/${id}/inline-approvals`}
      class="row card"
      aria-labelledby="inline-h"
    >
      <h2 id="inline-h">Inline approvals</h2>
      <Csrf token={csrf} />
      <Select
        id="i-choice"
        name="inlineApprovals"
        label="Ask approvals through the agent's own client (trusts the person at the client)"
        options={(Object.keys(INLINE_LABELS) as InlineChoice[]).map((k) => ({
          value: k,
          label: INLINE_LABELS[k],
        }))}
        value={current}
      />
      <button type="submit">Save</button>
    </form>
  );
}

const PAY_MODES = [
  { value: "agent-pays", label: "agent-pays: the agent's client pays the challenges" },
  { value: "tollgate-pays", label: "tollgate-pays: Tollgate pays from an org wallet" },
];

/** Who answers payment challenges; in tollgate-pays mode a credential the agent sends is refused. */
function PaymentForm({ a, wallets, csrf }: { a: AgentView; wallets: Wallet[]; csrf: string }) {
  const options = [
    { value: "", label: "—" },
    ...wallets.map((w) => ({
      value: w.id,
      label: w.status === "active" ? w.name : `${w.name} (${w.status})`,
    })),
  ];
  return (
    <form method="post" action={`/dashboard/agents/${a.id}/payment`} class="row card" aria-labelledby="pay-h">
      <h2 id="pay-h">Payment</h2>
      <Csrf token={csrf} />
      <Select id="p-mode" name="payMode" label="Pay mode" options={PAY_MODES} value={a.payMode} />
      <Select
        id="p-wallet"
        name="walletId"
        label="Wallet (for tollgate-pays)"
        options={options}
        value={a.walletId ?? ""}
        hint={wallets.length === 0 ? "No wallets yet: create one on the Wallets page." : undefined}
      />
      <button type="submit">Save payment</button>
    </form>
  );
}
