// The anomaly watch's state in the org's WebhookDispatcher SQLite: spend buckets per watched scope
// and unit, each scope's episode, and the payees the org has paid. Every table is bounded: buckets
// by time, agent scopes by idleness, payees by MAX_KNOWN_PAYEES (least recently paid go first).
import type { Bucket, Episode } from "./velocity";

/** Payees remembered per org (all scopes together); an evicted payee alerts again when next paid. */
export const MAX_KNOWN_PAYEES = 10_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS spend_buckets (
  scope TEXT NOT NULL,
  unit TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('fine', 'coarse')),
  start INTEGER NOT NULL,
  amount TEXT NOT NULL,
  payments INTEGER NOT NULL,
  PRIMARY KEY (scope, unit, kind, start)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS spend_buckets_start ON spend_buckets (kind, start);
CREATE TABLE IF NOT EXISTS spend_watch (
  scope TEXT NOT NULL,
  unit TEXT NOT NULL,
  config TEXT NOT NULL,
  since INTEGER NOT NULL,
  firing INTEGER NOT NULL,
  fired_at INTEGER,
  last_at INTEGER NOT NULL,
  PRIMARY KEY (scope, unit)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS known_payees (
  scope TEXT NOT NULL,
  payee TEXT NOT NULL,
  first_at INTEGER NOT NULL,
  first_tx TEXT NOT NULL,
  last_at INTEGER NOT NULL,
  PRIMARY KEY (scope, payee)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS known_payees_last ON known_payees (last_at);`;

export type WatchRow = { config: string; since: number; episode: Episode };

export class WatchStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  watch(scope: string, unit: string): WatchRow | null {
    const row = this.sql
      .exec<{ config: string; since: number; firing: number; fired_at: number | null }>(
        "SELECT config, since, firing, fired_at FROM spend_watch WHERE scope = ? AND unit = ?",
        scope,
        unit,
      )
      .toArray()[0];
    if (!row) return null;
    return {
      config: row.config,
      since: row.since,
      episode: { firing: row.firing === 1, firedAt: row.fired_at },
    };
  }

  saveWatch(scope: string, unit: string, row: WatchRow, now: number): void {
    this.sql.exec(
      `INSERT INTO spend_watch (scope, unit, config, since, firing, fired_at, last_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (scope, unit) DO UPDATE SET config = excluded.config, since = excluded.since,
         firing = excluded.firing, fired_at = excluded.fired_at, last_at = excluded.last_at`,
      scope,
      unit,
      row.config,
      row.since,
      row.episode.firing ? 1 : 0,
      row.episode.firedAt,
      now,
    );
  }

  /** The scope's buckets start over (its watch settings changed: the old widths mean nothing now). */
  resetBuckets(scope: string, unit: string): void {
    this.sql.exec("DELETE FROM spend_buckets WHERE scope = ? AND unit = ?", scope, unit);
  }

  add(scope: string, unit: string, kind: "fine" | "coarse", start: number, amount: bigint): void {
    const prev = this.sql
      .exec<{ amount: string; payments: number }>(
        "SELECT amount, payments FROM spend_buckets WHERE scope = ? AND unit = ? AND kind = ? AND start = ?",
        scope,
        unit,
        kind,
        start,
      )
      .toArray()[0];
    const total = (prev ? BigInt(prev.amount) : 0n) + amount;
    this.sql.exec(
      `INSERT INTO spend_buckets (scope, unit, kind, start, amount, payments) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (scope, unit, kind, start) DO UPDATE SET amount = excluded.amount, payments = excluded.payments`,
      scope,
      unit,
      kind,
      start,
      total.toString(),
      (prev?.payments ?? 0) + 1,
    );
  }

  buckets(scope: string, unit: string, kind: "fine" | "coarse"): Bucket[] {
    return this.sql
      .exec<{ start: number; amount: string; payments: number }>(
        "SELECT start, amount, payments FROM spend_buckets WHERE scope = ? AND unit = ? AND kind = ?",
        scope,
        unit,
        kind,
      )
      .toArray()
      .map((r) => ({ start: r.start, amount: BigInt(r.amount), payments: r.payments }));
  }

  /**
   * Drops buckets older than the horizons (they count for nothing any more) and agent scopes idle
   * since `idleBefore`. The org scope's row stays: its `since` keeps an idle org's baseline at zero,
   * so a burst after a quiet day alerts instead of starting a new warm-up.
   */
  prune(horizon: { fine: number; coarse: number }, idleBefore: number): void {
    this.sql.exec("DELETE FROM spend_buckets WHERE kind = 'fine' AND start < ?", horizon.fine);
    this.sql.exec("DELETE FROM spend_buckets WHERE kind = 'coarse' AND start < ?", horizon.coarse);
    this.sql.exec("DELETE FROM spend_watch WHERE scope != 'org' AND last_at < ?", idleBefore);
  }

  /** Records the payment to `payee` in `scope`; true when the scope had never paid it (or forgot it). */
  notePayee(scope: string, payee: string, txId: string, now: number): boolean {
    const known = this.sql
      .exec("SELECT 1 FROM known_payees WHERE scope = ? AND payee = ?", scope, payee)
      .toArray();
    if (known.length > 0) {
      this.sql.exec("UPDATE known_payees SET last_at = ? WHERE scope = ? AND payee = ?", now, scope, payee);
      return false;
    }
    this.sql.exec(
      "INSERT INTO known_payees (scope, payee, first_at, first_tx, last_at) VALUES (?, ?, ?, ?, ?)",
      scope,
      payee,
      now,
      txId,
      now,
    );
    const { n } = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM known_payees").one();
    if (n > MAX_KNOWN_PAYEES) {
      this.sql.exec(
        `DELETE FROM known_payees WHERE (scope, payee) IN
           (SELECT scope, payee FROM known_payees ORDER BY last_at LIMIT ?)`,
        n - MAX_KNOWN_PAYEES,
      );
    }
    return true;
  }
}
