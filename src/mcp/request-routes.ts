// Which upstream serves each of a gateway session's requests, so a client's notifications/cancelled
// (a separate POST, perhaps to another isolate) goes to that upstream only. One small object per
// (org, agent, session), so sessions never share one and no org-wide object takes every request's
// write. A cancel that arrives before its request was noted is kept, and the note forwards it.
import { DurableObject } from "cloudflare:workers";

/** Longer than any request lives (the upstream timeout, a paid retry's extended hold). */
const ROUTE_TTL_MS = 10 * 60_000;
/** Rows kept at most: a client cancelling ids it never sent fills nothing beyond this. */
const MAX_ROWS = 5_000;

export type Noted = { cancelled: false } | { cancelled: true; reason: string | null };

export class RequestRoutes extends DurableObject<Env> {
  /** Each call makes the table: the alarm deletes all storage once every row has expired. */
  private sql() {
    const sql = this.ctx.storage.sql;
    sql.exec(
      "CREATE TABLE IF NOT EXISTS routes (id TEXT PRIMARY KEY, upstream TEXT, cancelled INTEGER NOT NULL DEFAULT 0, reason TEXT, expires_at INTEGER NOT NULL)",
    );
    return sql;
  }

  private full(): boolean {
    return this.sql().exec<{ n: number }>("SELECT COUNT(*) AS n FROM routes").one().n >= MAX_ROWS;
  }

  /** Request `id` went to `upstream`; says whether the client cancelled it already. */
  async note(id: string, upstream: string, now: number): Promise<Noted> {
    const sql = this.sql();
    const row = sql
      .exec<{ cancelled: number; reason: string | null }>(
        "SELECT cancelled, reason FROM routes WHERE id = ?",
        id,
      )
      .toArray()[0];
    // A session this busy forgets its oldest requests first (their cancels are then dropped).
    if (!row && this.full())
      sql.exec("DELETE FROM routes WHERE id IN (SELECT id FROM routes ORDER BY expires_at LIMIT 100)");
    sql.exec(
      "INSERT INTO routes (id, upstream, expires_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET upstream = excluded.upstream, expires_at = excluded.expires_at",
      id,
      upstream,
      now + ROUTE_TTL_MS,
    );
    await this.schedule(now);
    return row?.cancelled === 1 ? { cancelled: true, reason: row.reason } : { cancelled: false };
  }

  /** The client cancelled `id`: the upstream serving it, or null (kept for a late note). */
  async cancel(id: string, reason: string | null, now: number): Promise<string | null> {
    const sql = this.sql();
    const row = sql
      .exec<{ upstream: string | null }>(
        "SELECT upstream FROM routes WHERE id = ? AND expires_at > ?",
        id,
        now,
      )
      .toArray()[0];
    if (row?.upstream) return row.upstream;
    if (this.full()) return null;
    sql.exec(
      "INSERT INTO routes (id, upstream, cancelled, reason, expires_at) VALUES (?, NULL, 1, ?, ?) ON CONFLICT (id) DO UPDATE SET cancelled = 1, reason = excluded.reason",
      id,
      reason,
      now + ROUTE_TTL_MS,
    );
    await this.schedule(now);
    return null;
  }

  private async schedule(now: number): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(now + ROUTE_TTL_MS);
  }

  override async alarm(): Promise<void> {
    const sql = this.sql();
    sql.exec("DELETE FROM routes WHERE expires_at <= ?", Date.now());
    const next = sql.exec<{ at: number | null }>("SELECT MIN(expires_at) AS at FROM routes").one().at;
    if (next === null) await this.ctx.storage.deleteAll();
    else await this.ctx.storage.setAlarm(next);
  }
}
