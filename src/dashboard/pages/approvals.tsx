// Approvals: read the queue and one approval through the approvals service, decide with a note (and,
// for a call asked before its price was known, a max price), and render views/approvals.tsx.
import type { Hono } from "hono";
import { AppError } from "../../errors";
import { agentsByIds } from "../../services/agents";
import { approvalView, decideApproval, listApprovals, requireApproval } from "../../services/approvals";
import { type ApprovalView, MaxPrice } from "../../services/schemas/activity";
import { validate } from "../../services/validate";
import { walletsByIds } from "../../services/wallets";
import { act, field, form } from "../actions";
import { type DashContext, type DashEnv, view } from "../context";
import { ApprovalPage, ApprovalsPage, decidedText, PendingTable } from "../views/approvals";
import { type Payers, payingWallet } from "../views/paid-by";

type App = Hono<DashEnv>;

/**
 * The names of the agents these approvals are for, and the wallet each one's calls are paid from (its
 * current pay mode): only those agents and wallets are read, by id.
 */
async function agentsOf(
  c: DashContext,
  rows: ApprovalView[],
): Promise<{ names: Map<string, string>; payers: Payers }> {
  const orgId = c.get("session").orgId;
  const agents = await agentsByIds(
    c.env,
    orgId,
    rows.map((r) => r.agentId),
  );
  const paying = agents.flatMap((a) => (a.walletId ? [a.walletId] : []));
  const wallets = await walletsByIds(c.env, orgId, paying);
  return {
    names: new Map(agents.map((a) => [a.id, a.name])),
    payers: {
      wallets: new Map(wallets.map((w) => [w.id, w.name])),
      byAgent: new Map(agents.map((a) => [a.id, payingWallet(a)])),
    },
  };
}

async function pending(c: DashContext) {
  return (await listApprovals(c.env, c.get("session").orgId, { status: "pending", limit: 200 })).data;
}

/** The form's max price, validated like the API body (400s become the flash message). */
function maxPriceOf(amount: string, currency: string): MaxPrice | undefined {
  if (!amount) return undefined;
  return validate(MaxPrice, { amount, currency }, "max price");
}

function readRoutes(app: App) {
  app.get("/approvals", async (c) => {
    const v = view(c);
    const [rows, recent] = await Promise.all([
      pending(c),
      listApprovals(c.env, c.get("session").orgId, { status: "all", limit: 30 }),
    ]);
    const decided = recent.data.filter((a) => a.status !== "pending");
    const { names, payers } = await agentsOf(c, [...rows, ...decided]);
    return c.html(<ApprovalsPage v={v} pending={rows} decided={decided} names={names} payers={payers} />);
  });

  app.get("/approvals/fragment", async (c) => {
    const rows = await pending(c);
    const { names, payers } = await agentsOf(c, rows);
    return c.html(
      <PendingTable rows={rows} names={names} payers={payers} csrf={c.get("csrf")} now={Date.now()} />,
    );
  });

  app.get("/approvals/:id", async (c) => {
    const v = view(c);
    const a = approvalView(await requireApproval(c.env, c.get("session").orgId, c.req.param("id")));
    const { names, payers } = await agentsOf(c, [a]);
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
