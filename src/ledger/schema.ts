// The tenant ledger's own SQLite schema, versioned in `ledger_schema` (PRAGMA user_version is not
// available in Durable Objects). Run inside blockConcurrencyWhile from the constructor.

/** Ordered migrations; index + 1 is the schema version they bring the database to. */
const MIGRATIONS: string[] = [
  `CREATE TABLE buckets (
     scope_key TEXT NOT NULL,
     instance TEXT NOT NULL,
     window TEXT NOT NULL,
     window_start INTEGER,
     window_end INTEGER,
     committed TEXT NOT NULL DEFAULT '0',
     reserved TEXT NOT NULL DEFAULT '0',
     debt TEXT NOT NULL DEFAULT '0',
     PRIMARY KEY (scope_key, instance)
   ) WITHOUT ROWID;
   CREATE TABLE reservations (
     id TEXT PRIMARY KEY,
     status TEXT NOT NULL CHECK (status IN ('active', 'committed', 'released', 'expired')),
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     finalized_at INTEGER,
     final_reason TEXT,
     result TEXT
   );
   CREATE INDEX reservations_active_expiry ON reservations (expires_at) WHERE status = 'active';
   CREATE TABLE reservation_lines (
     reservation_id TEXT NOT NULL,
     idx INTEGER NOT NULL,
     scope_key TEXT NOT NULL,
     instance TEXT NOT NULL,
     label TEXT NOT NULL,
     window TEXT NOT NULL,
     unit TEXT NOT NULL,
     kind TEXT NOT NULL,
     window_start INTEGER,
     window_end INTEGER,
     limit_at_reserve TEXT NOT NULL,
     amount TEXT NOT NULL,
     overage TEXT NOT NULL,
     overdraft_limit TEXT NOT NULL,
     PRIMARY KEY (reservation_id, idx)
   ) WITHOUT ROWID;
   CREATE TABLE journal (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     op TEXT NOT NULL,
     ref TEXT NOT NULL,
     deltas TEXT,
     detail TEXT
   );
   CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
   CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
   CREATE TABLE idempotency (
     key TEXT PRIMARY KEY,
     params_hash TEXT NOT NULL,
     tx_id TEXT NOT NULL,
     response TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX idempotency_created ON idempotency (created_at);
   CREATE TABLE txs (
     id TEXT PRIMARY KEY,
     record TEXT NOT NULL,
     status TEXT NOT NULL,
     reservation_id TEXT,
     committed_amount TEXT,
     receipt_ref TEXT,
     unconfirmed INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     rev INTEGER NOT NULL DEFAULT 1,
     flushed_rev INTEGER NOT NULL DEFAULT 0,
     flush_attempts INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX txs_outbox ON txs (updated_at) WHERE rev > flushed_rev;`,
  // 2: offer bindings for paid retries; internal holds (audit = 0) that never enter the outbox.
  // A claim marks every binding of its reservation, so a reservation is claimed at most once.
  `ALTER TABLE txs ADD COLUMN audit INTEGER NOT NULL DEFAULT 1;
   DROP INDEX txs_outbox;
   CREATE INDEX txs_outbox ON txs (updated_at) WHERE rev > flushed_rev AND audit = 1;
   CREATE TABLE offer_bindings (
     seq INTEGER PRIMARY KEY,
     offer_key TEXT NOT NULL,
     agent_id TEXT NOT NULL,
     reservation_id TEXT NOT NULL,
     tool TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     claimed_at INTEGER,
     UNIQUE (reservation_id, offer_key)
   );
   CREATE INDEX offer_bindings_lookup ON offer_bindings (offer_key, agent_id, created_at);
   CREATE INDEX offer_bindings_created ON offer_bindings (created_at);`,
  // 3: a reservation's lines move into a JSON column of its row (one write and one read instead of
  // a row per line), in the same shape as the old rows minus reservation_id/idx, in idx order.
  `ALTER TABLE reservations ADD COLUMN lines TEXT NOT NULL DEFAULT '[]';
   UPDATE reservations SET lines = (
     SELECT json_group_array(json_object('scope_key', scope_key, 'instance', instance, 'label', label,
       'window', window, 'unit', unit, 'kind', kind, 'window_start', window_start, 'window_end', window_end,
       'limit_at_reserve', limit_at_reserve, 'amount', amount, 'overage', overage,
       'overdraft_limit', overdraft_limit))
     FROM (SELECT * FROM reservation_lines WHERE reservation_id = reservations.id ORDER BY idx));
   DROP TABLE reservation_lines;`,
  // 4: a binding names the call it was judged for (arguments hash, session) and the offer's terms, so
  // a paid retry with other arguments or a credential paying other terms is refused; a claimed
  // reservation is marked, so its expiry commits it unconfirmed instead of releasing it.
  `ALTER TABLE offer_bindings ADD COLUMN args_hash TEXT NOT NULL DEFAULT '';
   ALTER TABLE offer_bindings ADD COLUMN session_id TEXT;
   ALTER TABLE offer_bindings ADD COLUMN terms TEXT NOT NULL DEFAULT '';
   ALTER TABLE reservations ADD COLUMN claimed_at INTEGER;`,
  // 5: the journal without AUTOINCREMENT. Each insert updated sqlite_sequence too (one more B-tree
  // write per decision). Rows are never deleted (the triggers refuse it), so a plain INTEGER PRIMARY
  // KEY hands out the same ever-increasing seq. The rows are copied once, seq kept.
  `CREATE TABLE journal_v5 (
     seq INTEGER PRIMARY KEY,
     at INTEGER NOT NULL,
     op TEXT NOT NULL,
     ref TEXT NOT NULL,
     deltas TEXT,
     detail TEXT
   );
   INSERT INTO journal_v5 (seq, at, op, ref, deltas, detail) SELECT seq, at, op, ref, deltas, detail FROM journal;
   DROP TRIGGER journal_no_update;
   DROP TRIGGER journal_no_delete;
   DROP TABLE journal;
   ALTER TABLE journal_v5 RENAME TO journal;
   CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
   CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;`,
  // 6: the receipt chain (receipts.ts): one body per final decision, hash-linked in decision order;
  // `signed` once its JWS reached D1 (receipt-flush.ts).
  `CREATE TABLE receipts (
     seq INTEGER PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     tx_id TEXT NOT NULL,
     status TEXT NOT NULL,
     at INTEGER NOT NULL,
     body TEXT NOT NULL,
     hash TEXT NOT NULL,
     prev_hash TEXT,
     signed INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX receipts_tx ON receipts (tx_id);
   CREATE INDEX receipts_unsigned ON receipts (seq) WHERE signed = 0;`,
  // 7: ledger shards' leases (lease-store.ts, docs/ledger-sharding.md): a parent's cells, the room
  // each shard holds, and which shard this object is. IF NOT EXISTS because objects before v7
  // created these tables on first use.
  `CREATE TABLE IF NOT EXISTS lease_cells (
     cell TEXT PRIMARY KEY, held TEXT NOT NULL, expires_at INTEGER NOT NULL, seq INTEGER NOT NULL,
     period_use TEXT NOT NULL, last_period_use TEXT NOT NULL) WITHOUT ROWID;
   CREATE TABLE IF NOT EXISTS lease_holdings (
     cell TEXT NOT NULL, shard INTEGER NOT NULL, held TEXT NOT NULL, seq INTEGER NOT NULL,
     limit_seen TEXT NOT NULL, PRIMARY KEY (cell, shard)) WITHOUT ROWID;
   CREATE TABLE IF NOT EXISTS lease_route (
     id INTEGER PRIMARY KEY CHECK (id = 1), idx INTEGER NOT NULL, of INTEGER NOT NULL, parent TEXT NOT NULL);`,
];

export const LEDGER_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Bring the object's database up to `target` (LEDGER_SCHEMA_VERSION; tests pass an older one to
 * build a database as an earlier release left it). Each step commits with its version row.
 */
export function migrate(storage: DurableObjectStorage, target = LEDGER_SCHEMA_VERSION): void {
  const sql = storage.sql;
  sql.exec(
    "CREATE TABLE IF NOT EXISTS ledger_schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)",
  );
  const row = sql.exec<{ version: number }>("SELECT version FROM ledger_schema WHERE id = 1").toArray()[0];
  let version = row?.version ?? 0;
  while (version < target) {
    const step = MIGRATIONS[version]!;
    const next = version + 1;
    storage.transactionSync(() => {
      sql.exec(step);
      sql.exec(
        "INSERT INTO ledger_schema (id, version) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET version = excluded.version",
        next,
      );
    });
    version = next;
  }
}
