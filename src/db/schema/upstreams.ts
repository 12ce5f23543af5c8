import { sql } from "drizzle-orm";
import { index, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, id, json } from "./columns";

/** Upstream MCP servers. `headers` holds credentials injected on forwarding; never returned by the API. */
export const upstreams = sqliteTable(
  "upstreams",
  {
    id: id(),
    orgId: text("org_id").notNull(),
    namespace: text("namespace").notNull(),
    /**
     * Put before every tool name this upstream lists (e.g. "github__"); null: names unchanged.
     * Chosen at creation and kept, so adding an upstream never renames another one's tools.
     */
    toolPrefix: text("tool_prefix"),
    url: text("url").notNull(),
    headers: json<Record<string, string>>("headers").notNull().default({}),
    /** null: every agent of the org may use it. */
    agentIds: json<string[]>("agent_ids"),
    /** Prices for tools that charge without a payment protocol: tool -> { amount, currency, decimals }. */
    toolPrices: json<Record<string, { amount: string; currency: string; decimals: number }>>("tool_prices"),
    status: text("status", { enum: ["active", "disabled"] })
      .notNull()
      .default("active"),
    createdAt: createdAt(),
  },
  (t) => [
    index("upstreams_org").on(t.orgId),
    uniqueIndex("upstreams_org_namespace").on(t.orgId, t.namespace),
    // One unprefixed upstream per org, no shared prefix, even under concurrent writes (the service
    // checks first, and also refuses a prefix of another prefix, for a 409 with a readable message).
    uniqueIndex("upstreams_org_tool_prefix").on(t.orgId, sql`coalesce(${t.toolPrefix}, '')`),
  ],
);
