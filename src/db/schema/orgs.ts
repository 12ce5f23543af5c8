import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, id, json } from "./columns";

/** A tenant. Every other row belongs to exactly one org. */
export const orgs = sqliteTable("orgs", {
  id: id(),
  name: text("name").notNull(),
  /** IANA zone for calendar windows when a mandate or policy names none. */
  timeZone: text("time_zone").notNull().default("UTC"),
  /** Org settings: currency conversion table, webhook warning threshold. */
  settings: json<Record<string, unknown>>("settings").notNull().default({}),
  createdAt: createdAt(),
});
