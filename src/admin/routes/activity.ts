// Routes: transactions, budget balances and approvals.
import type { AdminRouter } from "../define";
import {
  ApprovalsQuery,
  ApprovalView,
  BudgetsQuery,
  BudgetsView,
  DecideBody,
  TransactionPage,
  TransactionsQuery,
  TransactionView,
} from "../schemas/activity";
import { listOf } from "../schemas/common";
import { decideApproval, listApprovals } from "../services/approvals";
import { agentBudgets } from "../services/budgets";
import { getTransaction, listTransactions } from "../services/transactions";

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
  for (const decision of ["approve", "reject"] as const) {
    r.add({
      method: "post",
      path: `/approvals/:approvalId/${decision}`,
      tag: "approvals",
      access: "org",
      summary: `${decision === "approve" ? "Approve" : "Reject"} a pending approval (409 when decided or expired)`,
      body: DecideBody,
      response: ApprovalView,
      errors: [404, 409],
      handle: ({ env, orgId, params, body, now }) =>
        decideApproval(
          env,
          orgId,
          params.approvalId!,
          decision === "approve" ? "approved" : "rejected",
          body.note ?? null,
          now,
        ),
    });
  }
}
