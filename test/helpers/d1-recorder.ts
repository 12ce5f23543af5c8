// A D1 binding that records every statement the code under test runs (SQL and bound values), so a test
// can ask D1 what those statements cost (meta.rows_read, by running the reads again) and how SQLite
// plans them (EXPLAIN QUERY PLAN). The statements themselves run on the real binding, unchanged.
import { env } from "cloudflare:workers";

export type Recorded = { sql: string; params: unknown[] };

type Method = "all" | "raw" | "run" | "first";

export function recordingEnv(): { env: Env; seen: Recorded[] } {
  const real = env.DB;
  const seen: Recorded[] = [];
  const known = new WeakMap<D1PreparedStatement, Recorded>();
  const track = (stmt: D1PreparedStatement, rec: Recorded): D1PreparedStatement => {
    known.set(stmt, rec);
    const bind = stmt.bind.bind(stmt);
    stmt.bind = (...params: unknown[]) => track(bind(...params), { sql: rec.sql, params });
    for (const m of ["all", "raw", "run", "first"] as Method[]) {
      const run = (stmt[m] as (...a: unknown[]) => unknown).bind(stmt);
      Object.assign(stmt, {
        [m]: (...a: unknown[]) => {
          seen.push(rec);
          return run(...a);
        },
      });
    }
    return stmt;
  };
  const DB = new Proxy(real, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => track(target.prepare(sql), { sql, params: [] });
      if (prop === "batch")
        return (stmts: D1PreparedStatement[]) => {
          for (const s of stmts) {
            const rec = known.get(s);
            if (rec) seen.push(rec);
          }
          return target.batch(stmts);
        };
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { env: { ...env, DB }, seen };
}

export const isRead = (r: Recorded) => /^\s*(select|with)\b/i.test(r.sql);

/** What D1 reports reading for these statements (reads only: each is run once more, to ask). */
export async function rowsRead(recorded: Recorded[]): Promise<number> {
  let total = 0;
  for (const r of recorded.filter(isRead)) {
    const res = await env.DB.prepare(r.sql)
      .bind(...r.params)
      .all();
    total += res.meta.rows_read;
  }
  return total;
}

/** SQLite's plan for one recorded statement, one line per step ("SEARCH agents USING INDEX ..."). */
export async function queryPlan(r: Recorded): Promise<string[]> {
  const res = await env.DB.prepare(`EXPLAIN QUERY PLAN ${r.sql}`)
    .bind(...r.params)
    .all<{ detail: string }>();
  return res.results.map((row) => row.detail);
}

/** Plan steps that walk a whole table or a whole index instead of searching one ("SCAN ..."). */
export function fullScans(plan: string[]): string[] {
  // json_each over a bound list of ids walks the query's own input (a page of ids), not a table.
  return plan.filter(
    (step) =>
      /^SCAN /.test(step) && step !== "SCAN CONSTANT ROW" && !/^SCAN json_each VIRTUAL TABLE/.test(step),
  );
}
