// Routes: transactions, budget balances and approvals.

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
import { listOf } from "../../services/schemas/common";
import { getTransaction, listTransactions } from "../../services/transactions";
import type { AdminRouter } from "../define";

export function activityRoutes(r: AdminRouter): void {
  r.add({
    method: "get",
    path: "/transactions",
    tag: "transactions",
    access: "org",
    summary: "List transactions, newest first, with filters and an opaque cursor",
    query: TransactionsQuery,
    response: TransactionPage,
    handle: ({ env, orgId, query }) => listTransactions(env, orgId, query),
  })
    .add({
      method: "get",
      path: "/transactions/:transactionId",
      tag: "transactions",
      access: "org",
      summary: "Read one transaction",
      response: TransactionView,
      errors: [404],
      handle: ({ env, orgId, params }) => getTransaction(env, orgId, params.transactionId!),
    })
    .add({
      method: "get",
      path: "/budgets",
      tag: "budgets",
      access: "org",
      summary: "An agent's balances per budget scope (mandate and policy lines) from the ledger",
      query: BudgetsQuery,
      response: BudgetsView,
      errors: [404, 503],
      handle: ({ env, orgId, query, now }) => agentBudgets(env, orgId, query.agentId, now),
    })
    .add({
      method: "get",
      path: "/approvals",
      tag: "approvals",
      access: "org",
      summary: "List approvals (default: pending)",
      query: ApprovalsQuery,
      response: listOf(ApprovalView),
      handle: async ({ env, orgId, query }) => ({ data: await listApprovals(env, orgId, query) }),
    });
  r.add({
    method: "post",
    path: "/approvals/:approvalId/approve",
    tag: "approvals",
    access: "org",
    summary:
      "Approve a pending approval, optionally with a price ceiling (409 when decided, expired or the budget cannot hold it)",
    body: ApproveBody,
    response: ApprovalView,
    errors: [404, 409],
    handle: ({ env, orgId, params, body, now }) =>
      decideApproval(env, orgId, params.approvalId!, "approved", body.note ?? null, now, body.maxPrice),
  }).add({
    method: "post",
    path: "/approvals/:approvalId/reject",
    tag: "approvals",
    access: "org",
    summary: "Reject a pending approval (409 when decided or expired)",
    body: DecideBody,
    response: ApprovalView,
    errors: [404, 409],
    handle: ({ env, orgId, params, body, now }) =>
      decideApproval(env, orgId, params.approvalId!, "rejected", body.note ?? null, now),
  });
}
