// Agents and mandates: list and create agents; edit, pause or resume one; choose whether its client
// is asked approvals inline; set its mandate (budgets in major units of its currency, validated by the
// admin API's own schemas and services).
import type { Hono } from "hono";
import { AppError } from "../../errors";
import { createAgent, getAgent, listAgents, updateAgent } from "../../services/agents";
import { putMandate } from "../../services/mandates";
import {
  CreateAgentBody,
  type MandateView,
  PutMandateBody,
  UpdateAgentBody,
} from "../../services/schemas/agents";
import { validate } from "../../services/validate";
import { act, field, form } from "../actions";
import { type DashEnv, view } from "../context";
import { money, time } from "../format";
import { Csrf, Layout } from "../layout";

function MandateForm({ id, m, csrf }: { id: string; m: MandateView | null; csrf: string }) {
  const major = (x: { amount: string; display: string } | null | undefined) =>
    x ? x.display.split(" ")[0] : "";
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
        <label for="m-currency">
          Currency
          <input id="m-currency" name="currency" required value={m?.currency ?? "USD"} size={10} />
        </label>
        <label for="m-tz">
          Budget time zone
          <input id="m-tz" name="timeZone" value={m?.timeZone ?? "UTC"} size={16} />
        </label>
      </div>
      <div class="row">
        {(["daily", "weekly", "monthly", "total"] as const).map((w) => (
          <label for={`m-${w}`}>
            {`${w[0]!.toUpperCase()}${w.slice(1)} budget`}
            <input id={`m-${w}`} name={w} inputmode="decimal" value={major(m?.budgets[w])} size={9} />
          </label>
        ))}
      </div>
      <div class="row">
        <label for="m-ptl">
          Per-call limit
          <input
            id="m-ptl"
            name="perTransactionLimit"
            inputmode="decimal"
            value={major(m?.perTransactionLimit)}
            size={9}
          />
        </label>
        <label for="m-appr">
          Approval above
          <input
            id="m-appr"
            name="approvalThreshold"
            inputmode="decimal"
            value={major(m?.approvalThreshold)}
            size={9}
          />
        </label>
      </div>
      <button type="submit">Save mandate</button>
    </form>
  );
}

const INLINE_CHOICES = { org: null, on: true, off: false } as const;
type InlineChoice = keyof typeof INLINE_CHOICES;

function inlineChoice(value: boolean | null): InlineChoice {
  return value === null ? "org" : value ? "on" : "off";
}

/** Inline approval asks the agent's own client, so the person (or program) there answers for it. */
function InlineApprovalsForm({ id, value, csrf }: { id: string; value: boolean | null; csrf: string }) {
  const current = inlineChoice(value);
  const labels: Record<InlineChoice, string> = {
    org: "Org setting",
    on: "On: ask the agent's client",
    off: "Off: operators decide",
  };
  return (
    <form
      method="post"
      action={`/dashboard/agents/${id}/inline-approvals`}
      class="row card"
      aria-labelledby="inline-h"
    >
      <h2 id="inline-h">Inline approvals</h2>
      <Csrf token={csrf} />
      <label for="i-choice">
        Ask approvals through the agent's own client (trusts the person at the client)
        <select id="i-choice" name="inlineApprovals">
          {(Object.keys(labels) as InlineChoice[]).map((k) => (
            <option value={k} selected={k === current}>
              {labels[k]}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">Save</button>
    </form>
  );
}

export function agentRoutes(app: Hono<DashEnv>) {
  app.get("/agents", async (c) => {
    const v = view(c);
    const agents = await listAgents(c.env, c.get("session").orgId);
    return c.html(
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
                  <td class={`status ${a.status === "paused" ? "denied" : "allowed"}`}>{a.status}</td>
                  <td>{a.description}</td>
                  <td>{time(a.createdAt, v.tz)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <form method="post" action="/dashboard/agents" class="stack card" aria-labelledby="new-agent-h">
          <h2 id="new-agent-h">New agent</h2>
          <Csrf token={v.csrf} />
          <label for="a-name">
            Name
            <input id="a-name" name="name" required pattern="[a-z0-9][a-z0-9_\-]{0,62}" />
          </label>
          <label for="a-desc">
            Description
            <input id="a-desc" name="description" />
          </label>
          <button type="submit">Create agent</button>
        </form>
      </Layout>,
    );
  });

  app.post("/agents", async (c) => {
    const f = await form(c);
    return act(c, "/dashboard/agents", async () => {
      const body = validate(
        CreateAgentBody,
        { name: field(f, "name"), description: field(f, "description") },
        "form",
      );
      const a = await createAgent(c.env, c.get("session").orgId, body, Date.now());
      return `Created agent ${a.name}.`;
    });
  });

  app.get("/agents/:id", async (c) => {
    const v = view(c);
    const a = await getAgent(c.env, c.get("session").orgId, c.req.param("id"));
    const m = a.mandate;
    return c.html(
      <Layout v={v} title={`Agent ${a.name}`}>
        <p>
          Status: <span class={`status ${a.status === "paused" ? "denied" : "allowed"}`}>{a.status}</span>
        </p>
        <form method="post" action={`/dashboard/agents/${a.id}/status`} class="inline">
          <Csrf token={v.csrf} />
          <input type="hidden" name="status" value={a.status === "paused" ? "active" : "paused"} />
          <button type="submit" class={a.status === "paused" ? "" : "danger"}>
            {a.status === "paused" ? "Resume agent" : "Pause agent"}
          </button>
        </form>
        <form method="post" action={`/dashboard/agents/${a.id}`} class="stack card" aria-labelledby="edit-h">
          <h2 id="edit-h">Edit</h2>
          <Csrf token={v.csrf} />
          <label for="e-name">
            Name
            <input id="e-name" name="name" required value={a.name} />
          </label>
          <label for="e-desc">
            Description
            <input id="e-desc" name="description" value={a.description} />
          </label>
          <button type="submit">Save</button>
        </form>
        {m ? (
          <p>
            Budgets: daily {money(m.budgets.daily)}, weekly {money(m.budgets.weekly)}, monthly{" "}
            {money(m.budgets.monthly)}, total {money(m.budgets.total)}; per call{" "}
            {money(m.perTransactionLimit)}.
          </p>
        ) : (
          <p class="muted">No mandate yet: the agent spends under the org policy only.</p>
        )}
        <InlineApprovalsForm id={a.id} value={a.inlineApprovals} csrf={v.csrf} />
        <MandateForm id={a.id} m={m} csrf={v.csrf} />
      </Layout>,
    );
  });

  app.post("/agents/:id", async (c) => {
    const f = await form(c);
    const id = c.req.param("id");
    return act(c, `/dashboard/agents/${id}`, async () => {
      const body = validate(
        UpdateAgentBody,
        { name: field(f, "name"), description: field(f, "description") },
        "form",
      );
      await updateAgent(c.env, c.get("session").orgId, id, body, Date.now());
      return "Saved.";
    });
  });

  app.post("/agents/:id/status", async (c) => {
    const f = await form(c);
    const id = c.req.param("id");
    return act(c, `/dashboard/agents/${id}`, async () => {
      const body = validate(UpdateAgentBody, { status: field(f, "status") }, "form");
      const a = await updateAgent(c.env, c.get("session").orgId, id, body, Date.now());
      return a.status === "paused" ? `Paused ${a.name}.` : `Resumed ${a.name}.`;
    });
  });

  app.post("/agents/:id/inline-approvals", async (c) => {
    const f = await form(c);
    const id = c.req.param("id");
    return act(c, `/dashboard/agents/${id}`, async () => {
      const choice = field(f, "inlineApprovals");
      if (!Object.hasOwn(INLINE_CHOICES, choice))
        throw new AppError("BAD_REQUEST", "Choose the org setting, on or off");
      const inlineApprovals = INLINE_CHOICES[choice as InlineChoice];
      const a = await updateAgent(c.env, c.get("session").orgId, id, { inlineApprovals }, Date.now());
      const said = a.inlineApprovals === null ? "follow the org setting" : a.inlineApprovals ? "on" : "off";
      return `Inline approvals for ${a.name}: ${said}.`;
    });
  });

  app.post("/agents/:id/mandate", async (c) => {
    const f = await form(c);
    const id = c.req.param("id");
    return act(c, `/dashboard/agents/${id}`, async () => {
      const opt = (k: string) => (field(f, k) ? { [k]: field(f, k) } : {});
      const body = validate(
        PutMandateBody,
        {
          currency: field(f, "currency"),
          timeZone: field(f, "timeZone") || "UTC",
          budgets: { ...opt("daily"), ...opt("weekly"), ...opt("monthly"), ...opt("total") },
          ...opt("perTransactionLimit"),
          ...opt("approvalThreshold"),
        },
        "form",
      );
      const m = await putMandate(c.env, c.get("session").orgId, id, body, Date.now());
      return `Mandate version ${m.version} saved.`;
    });
  });
}
