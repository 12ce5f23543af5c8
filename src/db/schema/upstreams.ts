import { index, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, id, json } from "./columns";

/** Upstream MCP servers. `headers` holds credentials injected on forwarding; never returned by the API. */
export const upstreams = sqliteTable(
  "upstreams",
  {
    id: id(),
    orgId: text("org_id").notNull(),
    namespace: text("namespace").notNull(),
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
  ],
);
