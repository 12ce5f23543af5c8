import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { TRANSACTION_STATUSES } from "../../ledger/statuses";
import { baseUnits, createdAt, json } from "./columns";

export { TRANSACTION_STATUSES };

/**
 * One row per decision on a tools/call (and per cooperative reservation). Written by the tenant
 * ledger's outbox, never on the request path; `id` is the ledger's transaction id, so a replayed
 * outbox write is an upsert of the same row.
 */
export const transactions = sqliteTable(
  "transactions",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    agentId: text("agent_id"),
    sessionId: text("session_id"),
    tool: text("tool"),
    upstreamId: text("upstream_id"),
    /** payment: priced by a challenge; estimate: configured price; cooperative: tollgate_reserve; free. */
    kind: text("kind", { enum: ["payment", "estimate", "cooperative", "free"] }).notNull(),
    amount: baseUnits("amount"),
    currency: text("currency"),
    decimals: integer("decimals"),
    committedAmount: baseUnits("committed_amount"),
    vendor: text("vendor"),
    decision: text("decision", { enum: ["allow", "deny", "require_approval"] }).notNull(),
    shadow: integer("shadow", { mode: "boolean" }).notNull().default(false),
    reasonCode: text("reason_code"),
    reason: text("reason"),
    rules: json<unknown[]>("rules").notNull().default([]),
    status: text("status", { enum: TRANSACTION_STATUSES }).notNull(),
    /** Money may have moved without a receipt (5xx, timeout after the credential was sent). */
    unconfirmed: integer("unconfirmed", { mode: "boolean" }).notNull().default(false),
    challengeId: text("challenge_id"),
    receiptRef: text("receipt_ref"),
    approvalId: text("approval_id"),
    /** The org wallet Tollgate paid with (tollgate-pays); null when the agent paid. */
    walletId: text("wallet_id"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("transactions_org_time").on(t.orgId, t.createdAt),
    index("transactions_agent_time").on(t.agentId, t.createdAt),
    index("transactions_org_status").on(t.orgId, t.status, t.createdAt),
  ],
);
