// Routes: transactions, budget balances and approvals.
import { z } from "@hono/zod-openapi";
import { decideApproval, listApprovals } from "../../services/approvals";
import { agentBudgets } from "../../services/budgets";
import {
  ApprovalsQuery,
  ApprovalView,
  ApproveBody,
  BudgetsQuery,
  BudgetsView,
  DecideBody,
  TransactionPage,
  TransactionsQuery,
  TransactionView,
} from "../../services/schemas/activity";
import { paged } from "../../services/schemas/common";
import { getTransaction, listTransactions } from "../../services/transactions";
import { type AdminApp, adminRoute, body, ok } from "../define";

const ApprovalParams = z.object({ approvalId: z.string() });

const getTransactions = adminRoute({
  method: "get",
  path: "/transactions",
  tag: "transactions",
  access: "org",
  summary: "List transactions, newest first, with filters and an opaque cursor",
  request: { query: TransactionsQuery },
  responses: ok(TransactionPage),
});

const getTransactionRoute = adminRoute({
  method: "get",
  path: "/transactions/{transactionId}",
  tag: "transactions",
  access: "org",
  summary: "Read one transaction",
  request: { params: z.object({ transactionId: z.string() }) },
  responses: ok(TransactionView),
  errors: [404],
});

const getBudgets = adminRoute({
  method: "get",
  path: "/budgets",
  tag: "budgets",
  access: "org",
  summary: "An agent's balances per budget scope (mandate and policy lines) from the ledger",
  request: { query: BudgetsQuery },
  responses: ok(BudgetsView),
  errors: [404, 503],
});

const getApprovals = adminRoute({
  method: "get",
  path: "/approvals",
  tag: "approvals",
  access: "org",
  summary: "List approvals (default: pending), newest first, a page at a time (opaque cursor)",
  request: { query: ApprovalsQuery },
  responses: ok(paged(ApprovalView)),
});

const approve = adminRoute({
  method: "post",
  path: "/approvals/{approvalId}/approve",
  tag: "approvals",
  access: "org",
  summary:
    "Approve a pending approval, optionally with a price ceiling (409 when decided, expired or the budget cannot hold it)",
  request: { params: ApprovalParams, body: body(ApproveBody) },
  responses: ok(ApprovalView),
  errors: [404, 409],
});

const reject = adminRoute({
  method: "post",
  path: "/approvals/{approvalId}/reject",
  tag: "approvals",
  access: "org",
  summary: "Reject a pending approval (409 when decided or expired)",
  request: { params: ApprovalParams, body: body(DecideBody) },
  responses: ok(ApprovalView),
  errors: [404, 409],
});

export function activityRoutes(app: AdminApp): void {
  app.openapi(getTransactions, async (c) =>
    c.json(await listTransactions(c.env, c.var.orgId, c.req.valid("query")), 200),
  );
  app.openapi(getTransactionRoute, async (c) =>
    c.json(await getTransaction(c.env, c.var.orgId, c.req.valid("param").transactionId), 200),
  );
  app.openapi(getBudgets, async (c) =>
    c.json(await agentBudgets(c.env, c.var.orgId, c.req.valid("query").agentId, c.var.now), 200),
  );
  app.openapi(getApprovals, async (c) =>
    c.json(await listApprovals(c.env, c.var.orgId, c.req.valid("query")), 200),
  );
  approvalRoutes(app);
}

function approvalRoutes(app: AdminApp): void {
  app.openapi(approve, async (c) => {
    const { approvalId } = c.req.valid("param");
    const { note = null, maxPrice } = c.req.valid("json");
    const view = await decideApproval(c.env, c.var.orgId, approvalId, "approved", note, c.var.now, maxPrice);
    return c.json(view, 200);
  });
  app.openapi(reject, async (c) => {
    const { approvalId } = c.req.valid("param");
    const { note = null } = c.req.valid("json");
    const view = await decideApproval(c.env, c.var.orgId, approvalId, "rejected", note, c.var.now);
    return c.json(view, 200);
  });
}
