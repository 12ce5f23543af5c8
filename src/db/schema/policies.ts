import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, id, json } from "./columns";

/** Org policy documents (Intercept-compatible YAML or JSON). One active version per org. */
export const policies = sqliteTable(
  "policies",
  {
    id: id(),
    orgId: text("org_id").notNull(),
    version: integer("version").notNull(),
    source: text("source").notNull(),
    /** The compiled form, so the hot path never re-parses YAML. */
    parsed: json<unknown>("parsed").notNull(),
    mode: text("mode", { enum: ["enforce", "shadow"] })
      .notNull()
      .default("enforce"),
    active: integer("active", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [index("policies_org").on(t.orgId, t.version)],
);
