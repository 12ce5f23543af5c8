import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { baseUnits, createdAt, id, json } from "./columns";

/** The call an approval was asked for, as judged: its hold is evaluated and reserved from this. */
export type ApprovalCallContext = {
  args: unknown;
  upstreamId: string | null;
  sessionId: string | null;
};

/** Human approvals, bound to one call (tool + arguments hash) and a price ceiling; single use. */
export const approvals = sqliteTable(
  "approvals",
  {
    id: id(),
    orgId: text("org_id").notNull(),
    agentId: text("agent_id").notNull(),
    tool: text("tool").notNull(),
    argsHash: text("args_hash").notNull(),
    argsSummary: text("args_summary").notNull().default(""),
    amount: baseUnits("amount"),
    currency: text("currency"),
    decimals: integer("decimals"),
    vendor: text("vendor"),
    /** The most the approved call may cost, set by the approver (default: the price shown, if any). */
    maxAmount: baseUnits("max_amount"),
    maxCurrency: text("max_currency"),
    maxDecimals: integer("max_decimals"),
    callContext: json<ApprovalCallContext>("call_context"),
    rule: text("rule").notNull(),
    reason: text("reason").notNull().default(""),
    status: text("status", { enum: ["pending", "approved", "rejected", "expired", "consumed"] }).notNull(),
    reservationId: text("reservation_id"),
    note: text("note"),
    expiresAt: integer("expires_at").notNull(),
    createdAt: createdAt(),
    decidedAt: integer("decided_at"),
  },
  (t) => [
    index("approvals_org_status").on(t.orgId, t.status, t.createdAt),
    // The queue with every status ("all"), newest first. No `id` column, like approvals_org_status:
    // with it the planner would prefer this index for a status filter too and read every status.
    index("approvals_org_time").on(t.orgId, t.createdAt),
    index("approvals_agent_call").on(t.agentId, t.tool, t.argsHash),
  ],
);
