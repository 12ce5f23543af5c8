// Signs the object's unsigned receipts (in chain order) with the org's active key and writes them
// to D1 `receipts` (insert-or-ignore by id: Ed25519 is deterministic, so a retried batch writes the
// same JWS). Off the hot path: the alarm and flush() run it after the tx outbox.

import { signReceipt } from "../receipts/sign";
import { activeSigner } from "../receipts/signing-keys";
import { pendingReceipts } from "./receipts";
import type { LedgerStore } from "./store";

const BATCH = 50;
const MAX_ROUNDS = 20;

const INSERT = `INSERT INTO receipts (id, org_id, chain, seq, tx_id, status, hash, prev_hash, kid, jws, decided_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`;

/** Rows written; `null` when receipts cannot be signed here (no WALLET_KEK): they wait, chained. */
export async function flushReceipts(store: LedgerStore, env: Env): Promise<number | null> {
  let written = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const rows = pendingReceipts(store, BATCH);
    const first = rows[0];
    if (!first) break;
    const { org, chain } = JSON.parse(first.body) as { org: string; chain: string };
    const signer = await activeSigner(env, org, Date.now());
    if (!signer) return null;
    const statements = await Promise.all(
      rows.map(async (r) =>
        env.DB.prepare(INSERT).bind(
          r.id,
          org,
          chain,
          r.seq,
          r.tx_id,
          r.status,
          r.hash,
          r.prev_hash,
          signer.kid,
          await signReceipt(signer, r.body),
          r.at,
        ),
      ),
    );
    await env.DB.batch(statements);
    store.sql.exec(
      "UPDATE receipts SET signed = 1 WHERE seq IN (SELECT value FROM json_each(?))",
      JSON.stringify(rows.map((r) => r.seq)),
    );
    written += rows.length;
  }
  return written;
}

export function unsignedCount(store: LedgerStore): number {
  return store.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM receipts WHERE signed = 0").one().n;
}
