// Synchronous SQL access for the ledger's tables (buckets, reservations, journal, txs with their
// outbox revision). Callers run these inside one transactionSync; nothing here awaits.
import type { TxRecord, TxStatus, Window } from "./types";
import { windowBounds } from "./windows";

export type Bucket = { committed: bigint; reserved: bigint; debt: bigint };

/** One counter cell: a scope key in one window instance (a calendar window, a session, or all time). */
export type Instance = { instance: string; windowStart: number | null; windowEnd: number | null };

export function instanceFor(
  line: { window: Window; timeZone: string; sessionId?: string | null | undefined },
  now: number,
): Instance {
  if (line.window === "total") return { instance: "total", windowStart: null, windowEnd: null };
  if (line.window === "session")
    return { instance: `session:${line.sessionId}`, windowStart: null, windowEnd: null };
  const b = windowBounds(line.window, line.timeZone, now)!;
  return { instance: `${line.window}:${b.start}`, windowStart: b.start, windowEnd: b.end };
}

export type ReservationRow = {
  id: string;
  status: "active" | "committed" | "released" | "expired";
  created_at: number;
  expires_at: number;
  finalized_at: number | null;
  final_reason: string | null;
  result: string | null;
  /** JSON LineRow[] in line order. */
  lines: string;
  /** Set when a paid retry claimed it: the credential left, so expiry commits (unconfirmed). */
  claimed_at: number | null;
};

/** One held line of a reservation (an element of `reservations.lines`). */
export type LineRow = {
  scope_key: string;
  instance: string;
  label: string;
  window: Window;
  unit: string;
  kind: "money" | "count";
  window_start: number | null;
  window_end: number | null;
  limit_at_reserve: string;
  amount: string;
  overage: "reject" | "allow_if_available" | "allow_with_overdraft";
  overdraft_limit: string;
};

/** A tx as the object holds it: the record as given, plus the facts the ledger owns in columns. */
export type TxRow = {
  id: string;
  record: string;
  status: TxStatus;
  reservation_id: string | null;
  committed_amount: string | null;
  receipt_ref: string | null;
  unconfirmed: number;
  created_at: number;
  updated_at: number;
  /** Bumped on every change; the row is in the outbox while rev > flushed_rev. */
  rev: number;
  flushed_rev: number;
  flush_attempts: number;
  /** 0: an internal hold, never in the outbox. */
  audit: number;
};

export type Delta = {
  scopeKey: string;
  instance: string;
  reserved?: bigint;
  committed?: bigint;
  debt?: bigint;
};
/** Journal form of a delta: [scope_key, instance, d_reserved, d_committed, d_debt] as strings. */
export type JournalDelta = [string, string, string, string, string];

type TxFacts = { committedAmount?: string | null; receiptRef?: string | null; unconfirmed?: boolean };

const ZERO: Bucket = { committed: 0n, reserved: 0n, debt: 0n };
const BUCKET_CACHE_MAX = 4_096;

/** Multi-row VALUES lists ("(?, ?), (?, ?)"), by row and column count; SQLite caches each text. */
const valuesLists = new Map<string, string>();
function values(rows: number, columns: number): string {
  const k = `${rows}x${columns}`;
  let v = valuesLists.get(k);
  if (!v) {
    const row = `(${Array.from({ length: columns }, () => "?").join(", ")})`;
    v = Array.from({ length: rows }, () => row).join(", ");
    valuesLists.set(k, v);
  }
  return v;
}

/** Upsert n counter rows in one statement (bindings are the 8-tuples, flattened). */
const upsertBuckets = (n: number) =>
  `INSERT INTO buckets (scope_key, instance, window, window_start, window_end, committed, reserved, debt)
  VALUES ${values(n, 8)}
  ON CONFLICT (scope_key, instance) DO UPDATE SET
    committed = excluded.committed, reserved = excluded.reserved, debt = excluded.debt`;

export class LedgerStore {
  /**
   * Never above the earliest expires_at of an active reservation (null: unknown), so a call whose
   * `now` is below it can skip the due-holds query. Only lowered by writes; recomputed by a query;
   * dropped when a transaction rolls back (`forgetHints`).
   */
  private expiryFloor: number | null = null;

  /**
   * @param objectName the Durable Object's name (the org id, or `<org>#s<i>` for a shard): the name
   *   of this object's receipt chain (receipts.ts).
   */
  constructor(
    readonly sql: SqlStorage,
    readonly objectName: string | null = null,
  ) {}

  /**
   * Write-through copy of bucket rows read or written. SQLite stays the truth: the cache only ever
   * holds values of committed-or-current-transaction writes, and is dropped on any rollback.
   */
  private readonly buckets = new Map<string, Bucket>();

  /** Drop everything derived from writes that may have been rolled back. */
  forgetHints(): void {
    this.expiryFloor = null;
    this.buckets.clear();
  }

  /** A reservation now expires at `at`: keep the floor at or below it. */
  noteExpiry(at: number): void {
    if (this.expiryFloor !== null && at < this.expiryFloor) this.expiryFloor = at;
  }

  /** Ids of active reservations due at `now`, oldest expiry first (usually none, without a query). */
  dueReservations(now: number): string[] {
    if (this.expiryFloor !== null && now < this.expiryFloor) return [];
    const due = this.sql
      .exec<{ id: string }>(
        "SELECT id FROM reservations WHERE status = 'active' AND expires_at <= ? ORDER BY expires_at",
        now,
      )
      .toArray()
      .map((r) => r.id);
    // Once these are closed the earliest remaining expiry is after `now`.
    const next = this.sql
      .exec<{ at: number | null }>(
        "SELECT MIN(expires_at) AS at FROM reservations WHERE status = 'active' AND expires_at > ?",
        now,
      )
      .one().at;
    this.expiryFloor = next ?? Number.POSITIVE_INFINITY;
    return due;
  }

  /** A counter cell, from the write-through cache or SQLite (a missing row is all zeros). */
  bucket(scopeKey: string, instance: string): Bucket {
    const k = `${scopeKey}\u0000${instance}`;
    const hit = this.buckets.get(k);
    if (hit) return hit;
    const row = this.sql
      .exec<{ committed: string; reserved: string; debt: string }>(
        "SELECT committed, reserved, debt FROM buckets WHERE scope_key = ? AND instance = ?",
        scopeKey,
        instance,
      )
      .toArray()[0];
    const b = row
      ? { committed: BigInt(row.committed), reserved: BigInt(row.reserved), debt: BigInt(row.debt) }
      : ZERO;
    this.remember(k, b);
    return b;
  }

  private remember(k: string, b: Bucket): void {
    if (this.buckets.size >= BUCKET_CACHE_MAX) this.buckets.clear();
    this.buckets.set(k, b);
  }

  /**
   * Apply one operation's deltas to their buckets in one statement. The caller journals the same
   * deltas in one row (`journal`), so counters always equal the journal's sums.
   */
  applyDeltas(changes: { window: Window; inst: Instance; delta: Delta }[]): Bucket[] {
    const rows: (string | number | null)[][] = [];
    const next = changes.map(({ window, inst, delta: d }) => {
      const cur = this.bucket(d.scopeKey, inst.instance);
      const b = {
        committed: cur.committed + (d.committed ?? 0n),
        reserved: cur.reserved + (d.reserved ?? 0n),
        debt: cur.debt + (d.debt ?? 0n),
      };
      if (b.committed < 0n || b.reserved < 0n || b.debt < 0n) {
        throw new Error(`ledger invariant: negative counter on ${d.scopeKey} ${inst.instance}`);
      }
      rows.push([
        d.scopeKey,
        inst.instance,
        window,
        inst.windowStart,
        inst.windowEnd,
        b.committed.toString(),
        b.reserved.toString(),
        b.debt.toString(),
      ]);
      return b;
    });
    if (rows.length > 0) this.sql.exec(upsertBuckets(rows.length), ...rows.flat());
    // Cached only once the write succeeded; a rollback drops the whole cache (forgetHints).
    next.forEach((b, i) => {
      this.remember(`${rows[i]![0]}\u0000${rows[i]![1]}`, b);
    });
    return next;
  }

  /** Append one journal row for one operation (append-only: triggers refuse UPDATE and DELETE). */
  journal(op: string, ref: string, at: number, deltas: Delta[] = [], detail?: unknown): void {
    const rows: JournalDelta[] = deltas.map((d) => [
      d.scopeKey,
      d.instance,
      (d.reserved ?? 0n).toString(),
      (d.committed ?? 0n).toString(),
      (d.debt ?? 0n).toString(),
    ]);
    this.sql.exec(
      "INSERT INTO journal (at, op, ref, deltas, detail) VALUES (?, ?, ?, ?, ?)",
      at,
      op,
      ref,
      rows.length > 0 ? JSON.stringify(rows) : null,
      detail === undefined ? null : JSON.stringify(detail),
    );
  }

  reservation(id: string): ReservationRow | null {
    return this.sql.exec<ReservationRow>("SELECT * FROM reservations WHERE id = ?", id).toArray()[0] ?? null;
  }

  /** A reservation with its lines parsed (commit and close need both). */
  reservationWithLines(id: string): (ReservationRow & { held: LineRow[] }) | null {
    const r = this.reservation(id);
    return r ? { ...r, held: JSON.parse(r.lines) as LineRow[] } : null;
  }

  /** Create an active reservation holding `lines` (one row, lines as JSON). */
  insertReservation(id: string, now: number, expiresAt: number, lines: LineRow[]): void {
    this.noteExpiry(expiresAt);
    this.sql.exec(
      "INSERT INTO reservations (id, status, created_at, expires_at, lines) VALUES (?, 'active', ?, ?, ?)",
      id,
      now,
      expiresAt,
      JSON.stringify(lines),
    );
  }

  lines(reservationId: string): LineRow[] {
    const row = this.sql
      .exec<{ lines: string }>("SELECT lines FROM reservations WHERE id = ?", reservationId)
      .toArray()[0];
    return row ? (JSON.parse(row.lines) as LineRow[]) : [];
  }

  earliestExpiry(): number | null {
    const row = this.sql
      .exec<{ at: number | null }>("SELECT MIN(expires_at) AS at FROM reservations WHERE status = 'active'")
      .one();
    return row.at;
  }

  tx(id: string): TxRow | null {
    return this.sql.exec<TxRow>("SELECT * FROM txs WHERE id = ?", id).toArray()[0] ?? null;
  }

  /** A tx's price, read from its record in SQL (a commit needs these three, not the whole record). */
  txPrice(id: string): { amount: string | null; currency: string | null; decimals: number | null } | null {
    return (
      this.sql
        .exec<{ amount: string | null; currency: string | null; decimals: number | null }>(
          `SELECT record ->> '$.amount' AS amount, record ->> '$.currency' AS currency,
             record ->> '$.decimals' AS decimals FROM txs WHERE id = ?`,
          id,
        )
        .toArray()[0] ?? null
    );
  }

  /** A tx's record with the ledger-owned status applied. */
  txRecord(row: TxRow): TxRecord {
    return { ...(JSON.parse(row.record) as TxRecord), status: row.status };
  }

  /**
   * First write of a tx (the caller checked it does not exist); it enters the outbox at rev 1
   * unless `audit` is false (an internal hold, never sent to D1).
   */
  insertTx(tx: TxRecord, now: number, reservationId: string | null, audit = true): void {
    this.sql.exec(
      `INSERT INTO txs (id, record, status, reservation_id, created_at, updated_at, audit) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      tx.id,
      JSON.stringify(tx),
      tx.status,
      reservationId,
      now,
      now,
      audit ? 1 : 0,
    );
  }

  /** Replace a tx's record (updateTx); bumps rev so the outbox carries it again. */
  replaceTx(tx: TxRecord, now: number): void {
    this.sql.exec(
      `UPDATE txs SET record = ?, status = ?, updated_at = MAX(updated_at, ?), rev = rev + 1 WHERE id = ?`,
      JSON.stringify(tx),
      tx.status,
      now,
      tx.id,
    );
  }

  /** Move a reservation's tx to a new status (with commit facts) in one statement. */
  setTxStatus(id: string, now: number, status: TxStatus, facts: TxFacts = {}): void {
    this.sql.exec(
      `UPDATE txs SET status = ?, updated_at = MAX(updated_at, ?), rev = rev + 1,
         committed_amount = COALESCE(?, committed_amount), receipt_ref = COALESCE(?, receipt_ref),
         unconfirmed = COALESCE(?, unconfirmed)
       WHERE id = ?`,
      status,
      now,
      facts.committedAmount ?? null,
      facts.receiptRef ?? null,
      facts.unconfirmed === undefined ? null : facts.unconfirmed ? 1 : 0,
      id,
    );
  }

  outboxSize(): number {
    return this.sql
      .exec<{ n: number }>("SELECT COUNT(*) AS n FROM txs WHERE rev > flushed_rev AND audit = 1")
      .one().n;
  }
}
