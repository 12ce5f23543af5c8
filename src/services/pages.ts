// Keyset pagination shared by every list: rows in (createdAt, id) order, an opaque cursor naming the
// last row of a page, and one more row read than asked to know whether a next page exists. Each list
// walks an index that starts with (org_id, created_at), so a page reads about `limit` rows however
// many the org has (docs/decisions/0024-tenant-memory.md).
import { and, asc, desc, eq, gt, gte, lt, lte, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { AppError } from "../errors";

export function encodeCursor(createdAt: number, id: string): string {
  return btoa(JSON.stringify([createdAt, id]))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

export function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const json = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    const [createdAt, id] = JSON.parse(json) as unknown[];
    if (typeof createdAt === "number" && Number.isSafeInteger(createdAt) && typeof id === "string")
      return { createdAt, id };
  } catch {
    // fall through to the one error below
  }
  throw new AppError("VALIDATION_FAILED", "Invalid query: cursor: not a cursor from this API", [
    { path: "cursor", message: "not a cursor from this API" },
  ]);
}

type Keyed = { createdAt: SQLiteColumn; id: SQLiteColumn };
export type Direction = "asc" | "desc";

/**
 * The rows after `cursor` in this direction (undefined: from the start). The plain range on created_at
 * is redundant with the OR but lets SQLite start the index walk at the cursor: without it a deep page
 * reads every row before it.
 */
export function afterCursor(t: Keyed, cursor: string | undefined, dir: Direction): SQL | undefined {
  if (!cursor) return undefined;
  const c = decodeCursor(cursor);
  const [beyond, from] = dir === "asc" ? [gt, gte] : [lt, lte];
  return and(
    from(t.createdAt, c.createdAt),
    or(beyond(t.createdAt, c.createdAt), and(eq(t.createdAt, c.createdAt), beyond(t.id, c.id))),
  );
}

export function pageOrder(t: Keyed, dir: Direction): SQL[] {
  const by = dir === "asc" ? asc : desc;
  return [by(t.createdAt), by(t.id)];
}

/** The first `limit` of `rows` (read with limit + 1) and the cursor of the next page, if any. */
export function pageOf<T extends { createdAt: number; id: string }>(
  rows: T[],
  limit: number,
): { rows: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    rows: page,
    nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}

/** D1 binds at most 100 parameters a statement: lists of ids are queried 90 at a time. */
export function idChunks(ids: Iterable<string>, size = 90): string[][] {
  const unique = [...new Set(ids)];
  const out: string[][] = [];
  for (let i = 0; i < unique.length; i += size) out.push(unique.slice(i, i + size));
  return out;
}
