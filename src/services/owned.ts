// Tenant-scoped lookups: a row is found only through its own org, so another org's id answers
// NOT_FOUND exactly as an id that does not exist (no cross-tenant oracle).
import { and, eq } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { db } from "../db/client";
import { notFound } from "./validate";

type OwnedTable = SQLiteTable & { id: SQLiteColumn; orgId: SQLiteColumn };

/** The row of `table` with this id in this org, or NOT_FOUND naming `what`. */
export async function requireOwned<T extends OwnedTable>(
  env: Env,
  table: T,
  orgId: string,
  id: string,
  what: string,
): Promise<T["$inferSelect"]> {
  const row = await db(env)
    .select()
    .from(table as SQLiteTable)
    .where(and(eq(table.orgId, orgId), eq(table.id, id)))
    .get();
  if (!row) throw notFound(what);
  return row as T["$inferSelect"];
}
