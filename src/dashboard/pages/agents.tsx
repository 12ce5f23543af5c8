// Agents and mandates: read the form, call the agents and mandates services (validated by the admin
// API's own schemas), and render the views in views/agents.tsx.
import type { Hono } from "hono";
import { AppError } from "../../errors";
import { createAgent, getAgent, listAgents, updateAgent } from "../../services/agents";
import { putMandate } from "../../services/mandates";
import { CreateAgentBody, PutMandateBody, UpdateAgentBody } from "../../services/schemas/agents";
import { validate } from "../../services/validate";
import { listWallets, walletsByIds } from "../../services/wallets";
import { act, type Form, field, form } from "../actions";
import { type DashEnv, view } from "../context";
import { AgentPage, AgentsPage, INLINE_CHOICES, type InlineChoice } from "../views/agents";
import { nextPageHref } from "../views/pager";

type App = Hono<DashEnv>;
/** Agents per page, and wallets offered in an agent's payment form (the org's first page of them). */
const PAGE = 50;
const WALLET_CHOICES = 200;

function listRoutes(app: App) {
  app.get("/agents", async (c) => {
    const page = await listAgents(c.env, c.get("session").orgId, {
      cursor: c.req.query("cursor"),
      limit: PAGE,
    });
    return c.html(
      <AgentsPage
        v={view(c)}
        agents={page.data}
        nextHref={nextPageHref("/dashboard/agents", page.nextCursor)}
      />,
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
}

function agentRoutesById(app: App) {
  app.get("/agents/:id", async (c) => {
    const orgId = c.get("session").orgId;
    const [a, wallets] = await Promise.all([
      getAgent(c.env, orgId, c.req.param("id")),
      listWallets(c.env, orgId, { limit: WALLET_CHOICES }),
    ]);
    // The agent's own wallet is always a choice, even past the first page.
    const own = a.walletId && !wallets.data.some((w) => w.id === a.walletId) ? [a.walletId] : [];
    const choices = [...wallets.data, ...(await walletsByIds(c.env, orgId, own))];
    return c.html(<AgentPage v={view(c)} a={a} wallets={choices} />);
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
}

function settingRoutes(app: App) {
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

  app.post("/agents/:id/payment", async (c) => {
    const f = await form(c);
    const id = c.req.param("id");
    return act(c, `/dashboard/agents/${id}`, async () => {
      const walletId = field(f, "walletId") || null;
      const body = validate(UpdateAgentBody, { payMode: field(f, "payMode"), walletId }, "form");
      const a = await updateAgent(c.env, c.get("session").orgId, id, body, Date.now());
      return a.payMode === "tollgate-pays"
        ? `${a.name}: Tollgate pays from the wallet.`
        : `${a.name}: the agent pays its own challenges.`;
    });
  });

  app.post("/agents/:id/mandate", async (c) => {
    const f = await form(c);
    const id = c.req.param("id");
    return act(c, `/dashboard/agents/${id}`, async () => {
      const body = validate(PutMandateBody, mandateInput(f), "form");
      const m = await putMandate(c.env, c.get("session").orgId, id, body, Date.now());
      return `Mandate version ${m.version} saved.`;
    });
  });
}

/** The mandate form as the API body: empty amounts are left out (no limit). */
function mandateInput(f: Form) {
  const opt = (k: string) => (field(f, k) ? { [k]: field(f, k) } : {});
  return {
    currency: field(f, "currency"),
    timeZone: field(f, "timeZone") || "UTC",
    budgets: { ...opt("daily"), ...opt("weekly"), ...opt("monthly"), ...opt("total") },
    ...opt("perTransactionLimit"),
    ...opt("approvalThreshold"),
  };
}

export function agentRoutes(app: App) {
  listRoutes(app);
  agentRoutesById(app);
  settingRoutes(app);
}
