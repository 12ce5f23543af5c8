import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { baseUnits, createdAt, id, json } from "./columns";

/**
 * Per-agent spending mandate (Quetra-style). Append-only versions: a change inserts a new row with
 * version+1 and deactivates the old one, so history stays readable.
 */
export const mandates = sqliteTable(
  "mandates",
  {
    id: id(),
    orgId: text("org_id").notNull(),
    agentId: text("agent_id").notNull(),
    version: integer("version").notNull(),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    currency: text("currency").notNull(),
    decimals: integer("decimals").notNull(),
    timeZone: text("time_zone").notNull().default("UTC"),
    budgetDaily: baseUnits("budget_daily"),
    budgetWeekly: baseUnits("budget_weekly"),
    budgetMonthly: baseUnits("budget_monthly"),
    budgetTotal: baseUnits("budget_total"),
    perTransactionLimit: baseUnits("per_transaction_limit"),
    /** Calls priced above this need a human approval. */
    approvalThreshold: baseUnits("approval_threshold"),
    vendorAllow: json<string[]>("vendor_allow"),
    vendorDeny: json<string[]>("vendor_deny"),
    categories: json<string[]>("categories"),
    timeWindows: json<unknown[]>("time_windows"),
    rateLimits: json<unknown[]>("rate_limits"),
    createdAt: createdAt(),
  },
  // No (org_id, active) index: nothing reads an org's mandates at once, and with one the planner
  // would search it for one agent's mandate (every active mandate of the org) instead of this one.
  (t) => [index("mandates_agent").on(t.agentId, t.active)],
);
