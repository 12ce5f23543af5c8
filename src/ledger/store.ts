// Synchronous SQL access for the ledger's tables (buckets, reservations, journal, txs, outbox,
// idempotency). Callers run these inside one transactionSync; nothing here awaits.
import type { TxRecord, Window } from "./types";
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
};

export type LineRow = {
  reservation_id: string;
  idx: number;
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
  charged: string | null;
  overage: "reject" | "allow_if_available" | "allow_with_overdraft";
  overdraft_limit: string;
};

export type TxRow = {
  id: string;
  record: string;
  reservation_id: string | null;
  committed_amount: string | null;
  receipt_ref: string | null;
  unconfirmed: number;
  created_at: number;
  updated_at: number;
};

type TxExtra = {
  reservationId?: string | null;
  committedAmount?: string | null;
  receiptRef?: string | null;
  unconfirmed?: boolean;
};

type Journal = {
  op: string;
  ref: string;
  at: number;
  scopeKey?: string;
  instance?: string;
  detail?: unknown;
};

export class LedgerStore {
  constructor(readonly sql: SqlStorage) {}

  bucket(scopeKey: string, instance: string): Bucket {
    const row = this.sql
      .exec<{ committed: string; reserved: string; debt: string }>(
        "SELECT committed, reserved, debt FROM buckets WHERE scope_key = ? AND instance = ?",
        scopeKey,
        instance,
      )
      .toArray()[0];
    if (!row) return { committed: 0n, reserved: 0n, debt: 0n };
    return { committed: BigInt(row.committed), reserved: BigInt(row.reserved), debt: BigInt(row.debt) };
  }

  /** Apply a delta to one bucket and journal it, so counters always equal the journal's sums. */
  applyDelta(
    j: Journal,
    window: Window,
    inst: Instance,
    d: { reserved?: bigint; committed?: bigint; debt?: bigint },
    /** The bucket as already read in this transaction, to save a query. */
    current?: Bucket,
  ): Bucket {
    const key = j.scopeKey!;
    const cur = current ?? this.bucket(key, inst.instance);
    const next = {
      committed: cur.committed + (d.committed ?? 0n),
      reserved: cur.reserved + (d.reserved ?? 0n),
      debt: cur.debt + (d.debt ?? 0n),
    };
    if (next.committed < 0n || next.reserved < 0n || next.debt < 0n) {
      throw new Error(`ledger invariant: negative counter on ${key} ${inst.instance}`);
    }
    this.sql.exec(
      `INSERT INTO buckets (scope_key, instance, window, window_start, window_end, committed, reserved, debt)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (scope_key, instance) DO UPDATE SET
         committed = excluded.committed, reserved = excluded.reserved, debt = excluded.debt`,
      key,
      inst.instance,
      window,
      inst.windowStart,
      inst.windowEnd,
      next.committed.toString(),
      next.reserved.toString(),
      next.debt.toString(),
    );
    this.journal({ ...j, instance: inst.instance }, d);
    return next;
  }

  journal(j: Journal, d: { reserved?: bigint; committed?: bigint; debt?: bigint } = {}): void {
    this.sql.exec(
      `INSERT INTO journal (at, op, ref, scope_key, instance, d_reserved, d_committed, d_debt, detail)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      j.at,
      j.op,
      j.ref,
      j.scopeKey ?? null,
      j.instance ?? null,
      (d.reserved ?? 0n).toString(),
      (d.committed ?? 0n).toString(),
      (d.debt ?? 0n).toString(),
      j.detail === undefined ? null : JSON.stringify(j.detail),
    );
  }

  reservation(id: string): ReservationRow | null {
    return this.sql.exec<ReservationRow>("SELECT * FROM reservations WHERE id = ?", id).toArray()[0] ?? null;
  }

  lines(reservationId: string): LineRow[] {
    return this.sql
      .exec<LineRow>("SELECT * FROM reservation_lines WHERE reservation_id = ? ORDER BY idx", reservationId)
      .toArray();
  }

  dueReservations(now: number): string[] {
    return this.sql
      .exec<{ id: string }>(
        "SELECT id FROM reservations WHERE status = 'active' AND expires_at <= ? ORDER BY expires_at",
        now,
      )
      .toArray()
      .map((r) => r.id);
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

  /** Write the tx's current state and queue it for D1; `rev` lets a flush skip rows changed under it. */
  putTx(
    tx: TxRecord,
    now: number,
    extra: TxExtra = {},
    /** The row as already read in this transaction (null: known not to exist). */
    known?: TxRow | null,
  ): void {
    const prev = known === undefined ? this.tx(tx.id) : known;
    const updatedAt = Math.max(now, prev?.updated_at ?? 0);
    this.sql.exec(
      `INSERT INTO txs (id, record, reservation_id, committed_amount, receipt_ref, unconfirmed, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET record = excluded.record, committed_amount = excluded.committed_amount,
         receipt_ref = excluded.receipt_ref, unconfirmed = excluded.unconfirmed, updated_at = excluded.updated_at`,
      tx.id,
      JSON.stringify(tx),
      extra.reservationId ?? prev?.reservation_id ?? null,
      extra.committedAmount !== undefined ? extra.committedAmount : (prev?.committed_amount ?? null),
      extra.receiptRef !== undefined ? extra.receiptRef : (prev?.receipt_ref ?? null),
      extra.unconfirmed !== undefined ? (extra.unconfirmed ? 1 : 0) : (prev?.unconfirmed ?? 0),
      prev?.created_at ?? now,
      updatedAt,
    );
    this.sql.exec(
      `INSERT INTO outbox (tx_id, rev, enqueued_at) VALUES (?, 1, ?)
       ON CONFLICT (tx_id) DO UPDATE SET rev = outbox.rev + 1`,
      tx.id,
      now,
    );
  }

  /** Patch the status (and reason) of a reservation-owned tx. */
  setTxStatus(id: string, now: number, patch: Partial<TxRecord>, extra: TxExtra = {}): void {
    const row = this.tx(id);
    if (!row) return;
    this.putTx({ ...(JSON.parse(row.record) as TxRecord), ...patch }, now, extra, row);
  }

  outboxSize(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox").one().n;
  }
}
