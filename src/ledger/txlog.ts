// Budget-free decisions (policy denials, free calls, pending approvals) and later facts attached to
// any tx. Both go through the txs table and the outbox like reservation-backed rows.
import { canonicalJson } from "./canonical";
import { chainReceipt } from "./receipts";
import type { RecordResult, UpdateTxResult } from "./results";
import type { LedgerStore } from "./store";
import type { TxPatch, TxRecord } from "./types";

export function recordOp(store: LedgerStore, tx: TxRecord, now: number): RecordResult {
  const prev = store.tx(tx.id);
  if (prev) {
    const same = canonicalJson(store.txRecord(prev)) === canonicalJson(tx);
    return same ? { ok: true, id: tx.id } : { ok: false, reason: "idempotency_conflict" };
  }
  if (store.reservation(tx.id)) return { ok: false, reason: "idempotency_conflict" };
  store.insertTx(tx, now, null);
  store.journal("record", tx.id, now, [], { status: tx.status });
  chainReceipt(store, tx.id, now, null);
  return { ok: true, id: tx.id };
}

export function updateTxOp(store: LedgerStore, id: string, patch: TxPatch, now: number): UpdateTxResult {
  const prev = store.tx(id);
  if (!prev) return { ok: false, reason: "not_found" };
  // A reservation's status follows its lifecycle (reserve/commit/release/expire), never a patch.
  if (prev.reservation_id !== null && patch.status !== undefined) {
    return { ok: false, reason: "status_owned_by_reservation" };
  }
  const record = store.txRecord(prev);
  store.replaceTx({ ...record, ...patch, id: record.id, orgId: record.orgId }, now);
  store.journal("update", id, now, [], Object.keys(patch).sort());
  chainReceipt(store, id, now, prev.status);
  return { ok: true, id };
}
