// Shared column helpers: ids are text (prefixed random), times are integer epoch milliseconds,
// money is text holding base-unit integers (18-decimal tokens overflow SQLite's int64).
import { sql } from "drizzle-orm";
import { integer, text } from "drizzle-orm/sqlite-core";

export const id = () => text("id").primaryKey();
export const createdAt = () =>
  integer("created_at", { mode: "number" }).notNull().default(sql`(unixepoch() * 1000)`);
export const baseUnits = (name: string) => text(name);
export const json = <T>(name: string) => text(name, { mode: "json" }).$type<T>();
