import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, id } from "./columns";

/** An agent of an org; its description is what an LLM reads when routing between agents. */
export const agents = sqliteTable(
  "agents",
  {
    id: id(),
    orgId: text("org_id").notNull(),
    /** URL-safe name, unique in the org: /<org-key>/agents/<name>/mcp */
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    status: text("status", { enum: ["active", "paused"] })
      .notNull()
      .default("active"),
    isDefault: integer("is_default", { mode: "boolean" }).notNull().default(false),
    governanceTools: integer("governance_tools", { mode: "boolean" }).notNull().default(true),
    /** Ask approvals inline through the agent's own client (null: the org's setting, default off). */
    inlineApprovals: integer("inline_approvals", { mode: "boolean" }),
    /** Who answers payment challenges: the agent's own client, or Tollgate with the org wallet. */
    payMode: text("pay_mode", { enum: ["agent-pays", "tollgate-pays"] })
      .notNull()
      .default("agent-pays"),
    /** The wallet Tollgate pays with in tollgate-pays mode. */
    walletId: text("wallet_id"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at"),
  },
  (t) => [
    uniqueIndex("agents_org_name").on(t.orgId, t.name),
    // An org key's default agent without reading the org's other agents.
    index("agents_org_default").on(t.orgId, t.isDefault),
    // Lists a page at a time in (created_at, id) order.
    index("agents_org_time").on(t.orgId, t.createdAt, t.id),
  ],
);
