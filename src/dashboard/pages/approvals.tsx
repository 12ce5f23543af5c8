// Approvals: read the queue and one approval through the approvals service, decide with a note (and,
// for a call asked before its price was known, a max price), and render views/approvals.tsx.
import type { Hono } from "hono";
import { AppError } from "../../errors";
import { listAgents } from "../../services/agents";
import { approvalView, decideApproval, listApprovals, requireApproval } from "../../services/approvals";
import { MaxPrice } from "../../services/schemas/activity";
import { validate } from "../../services/validate";
import { listWallets } from "../../services/wallets";
import { act, field, form } from "../actions";
import { type DashContext, type DashEnv, view } from "../context";
import { ApprovalPage, ApprovalsPage, decidedText, PendingTable } from "../views/approvals";
import { type Payers, payingWallet } from "../views/paid-by";

type App = Hono<DashEnv>;

/** Agents' names, and the wallet each one's calls are paid from (its current pay mode). */
async function agentsOf(c: DashContext): Promise<{ names: Map<string, string>; payers: Payers }> {
  const orgId = c.get("session").orgId;
  const [agents, wallets] = await Promise.all([listAgents(c.env, orgId), listWallets(c.env, orgId)]);
  return {
    names: new Map(agents.map((a) => [a.id, a.name])),
    payers: {
      wallets: new Map(wallets.map((w) => [w.id, w.name])),
      byAgent: new Map(agents.map((a) => [a.id, payingWallet(a)])),
    },
  };
}

function pending(c: DashContext) {
  return listApprovals(c.env, c.get("session").orgId, { status: "pending", limit: 200 });
}

/** The form's max price, validated like the API body (400s become the flash message). */
function maxPriceOf(amount: string, currency: string): MaxPrice | undefined {
  if (!amount) return undefined;
  return validate(MaxPrice, { amount, currency }, "max price");
}

function readRoutes(app: App) {
  app.get("/approvals", async (c) => {
    const v = view(c);
    const [rows, recent, { names, payers }] = await Promise.all([
      pending(c),
      listApprovals(c.env, c.get("session").orgId, { status: "all", limit: 30 }),
      agentsOf(c),
    ]);
    const decided = recent.filter((a) => a.status !== "pending");
    return c.html(<ApprovalsPage v={v} pending={rows} decided={decided} names={names} payers={payers} />);
  });

  app.get("/approvals/fragment", async (c) => {
    const [rows, { names, payers }] = await Promise.all([pending(c), agentsOf(c)]);
    return c.html(
      <PendingTable rows={rows} names={names} payers={payers} csrf={c.get("csrf")} now={Date.now()} />,
    );
  });

  app.get("/approvals/:id", async (c) => {
    const v = view(c);
    const a = approvalView(await requireApproval(c.env, c.get("session").orgId, c.req.param("id")));
    const { names, payers } = await agentsOf(c);
    return c.html(<ApprovalPage v={v} a={a} name={names.get(a.agentId) ?? a.agentId} payers={payers} />);
  });
}

function decideRoute(app: App) {
  app.post("/approvals/:id/decide", async (c) => {
    const f = await form(c);
    const decision = field(f, "decision");
    const note = field(f, "note");
    return act(c, "/dashboard/approvals", async () => {
      if (decision !== "approved" && decision !== "rejected")
        throw new AppError("BAD_REQUEST", "Choose approve or reject");
      const maxPrice =
        decision === "approved" ? maxPriceOf(field(f, "maxAmount"), field(f, "maxCurrency")) : undefined;
      const orgId = c.get("session").orgId;
      const id = c.req.param("id");
      const a = await decideApproval(c.env, orgId, id, decision, note || null, Date.now(), maxPrice);
      return decidedText(decision, a);
    });
  });
}

export function approvalRoutes(app: App) {
  readRoutes(app);
  decideRoute(app);
}
