import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, id } from "./columns";

/**
 * API keys. Only the SHA-256 of the secret is stored; `prefix` is the non-secret part shown in lists.
 * scope: "admin" manages the org through the admin API; "org" serves many agents on /mcp;
 * "agent" serves one agent on /mcp.
 */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: id(),
    orgId: text("org_id").notNull(),
    agentId: text("agent_id"),
    scope: text("scope", { enum: ["admin", "org", "agent"] }).notNull(),
    name: text("name").notNull().default(""),
    prefix: text("prefix").notNull(),
    hash: text("hash").notNull(),
    createdAt: createdAt(),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_hash").on(t.hash), index("api_keys_org").on(t.orgId, t.createdAt)],
);
