// Pushes queued tx rows (txs with rev > flushed_rev: the outbox) to the D1 `transactions` table,
// upsert by id. A revision counts as delivered only after D1 accepted the batch holding it.
import type { LedgerStore, TxRow } from "./store";

const BATCH = 50;
const MAX_ROUNDS = 20;

const UPSERT = `INSERT INTO transactions (id, org_id, agent_id, session_id, tool, upstream_id, kind, amount,
  currency, decimals, committed_amount, vendor, decision, shadow, reason_code, reason, rules, status,
  unconfirmed, challenge_id, receipt_ref, approval_id, created_at, updated_at, wallet_id)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)
ON CONFLICT(id) DO UPDATE SET agent_id = excluded.agent_id, session_id = excluded.session_id,
  tool = excluded.tool, upstream_id = excluded.upstream_id, kind = excluded.kind, amount = excluded.amount,
  currency = excluded.currency, decimals = excluded.decimals, committed_amount = excluded.committed_amount,
  vendor = excluded.vendor, decision = excluded.decision, shadow = excluded.shadow,
  reason_code = excluded.reason_code, reason = excluded.reason, rules = excluded.rules, status = excluded.status,
  unconfirmed = excluded.unconfirmed, challenge_id = excluded.challenge_id, receipt_ref = excluded.receipt_ref,
  approval_id = excluded.approval_id, updated_at = excluded.updated_at, wallet_id = excluded.wallet_id
WHERE excluded.updated_at >= transactions.updated_at`;

function statement(store: LedgerStore, db: D1Database, row: TxRow): D1PreparedStatement {
  const t = store.txRecord(row);
  return db
    .prepare(UPSERT)
    .bind(
      t.id,
      t.orgId,
      t.agentId,
      t.sessionId,
      t.tool,
      t.upstreamId,
      t.kind,
      t.amount,
      t.currency,
      t.decimals,
      row.committed_amount,
      t.vendor,
      t.decision,
      t.shadow ? 1 : 0,
      t.reasonCode,
      t.reason,
      JSON.stringify(t.rules),
      t.status,
      row.unconfirmed,
      t.challengeId,
      row.receipt_ref,
      t.approvalId,
      row.created_at,
      row.updated_at,
      t.walletId ?? null,
    );
}

/**
 * Write the outbox to D1 in batches. Each batch is atomic in D1; on failure the rows stay queued
 * (attempts bumped) and the error propagates so the caller can re-arm. Returns rows written.
 */
export async function flushOutbox(store: LedgerStore, db: D1Database): Promise<number> {
  let written = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const rows = store.sql
      .exec<TxRow>(
        "SELECT * FROM txs WHERE rev > flushed_rev AND audit = 1 ORDER BY updated_at LIMIT ?",
        BATCH,
      )
      .toArray();
    if (rows.length === 0) break;
    try {
      await db.batch(rows.map((r) => statement(store, db, r)));
    } catch (err) {
      store.sql.exec(
        "UPDATE txs SET flush_attempts = flush_attempts + 1 WHERE id IN (SELECT value FROM json_each(?))",
        JSON.stringify(rows.map((r) => r.id)),
      );
      throw err;
    }
    // A row changed while the batch was in flight keeps rev > flushed_rev and goes out next round.
    store.sql.exec(
      `UPDATE txs SET flushed_rev = j.value ->> 1, flush_attempts = 0
       FROM json_each(?) AS j WHERE txs.id = j.value ->> 0 AND txs.flushed_rev < j.value ->> 1`,
      JSON.stringify(rows.map((r) => [r.id, r.rev])),
    );
    written += rows.length;
  }
  return written;
}
