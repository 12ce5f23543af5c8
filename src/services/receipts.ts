// Receipts for the admin API: per-tx lookups, the JSONL audit export (streamed in seq order per
// chain), signing keys (list, rotate) and the public JWKS (docs/decisions/0033-receipts.md).
import { AppError } from "../errors";
import { listSigningKeys, publicJwks, rotateSigningKey } from "../receipts/signing-keys";
import type { ExportQuery, ReceiptView, SigningKeyView } from "./schemas/receipts";

type ReceiptRowD1 = {
  id: string;
  chain: string;
  seq: number;
  tx_id: string;
  status: string;
  kid: string;
  hash: string;
  prev_hash: string | null;
  decided_at: number;
  jws: string;
};

const PAGE = 500;

function view(r: ReceiptRowD1): ReceiptView {
  return {
    id: r.id,
    chain: r.chain,
    seq: r.seq,
    status: r.status,
    kid: r.kid,
    hash: r.hash,
    prevHash: r.prev_hash,
    decidedAt: r.decided_at,
    jws: r.jws,
  };
}

/** Receipts of the given txs of an org, by tx id, in chain order. */
export async function receiptsByTx(
  env: Env,
  orgId: string,
  txIds: string[],
): Promise<Map<string, ReceiptView[]>> {
  const out = new Map<string, ReceiptView[]>();
  if (txIds.length === 0) return out;
  const { results } = await env.DB.prepare(
    // By tx id (receipts_tx), never by org: `+org_id` keeps SQLite off receipts_org_decided, which
    // would walk every receipt of the org (test/db/query-plans.test.ts).
    `SELECT * FROM receipts WHERE +org_id = ? AND tx_id IN (SELECT value FROM json_each(?)) ORDER BY chain, seq`,
  )
    .bind(orgId, JSON.stringify(txIds))
    .all<ReceiptRowD1>();
  for (const r of results) {
    const list = out.get(r.tx_id) ?? [];
    list.push(view(r));
    out.set(r.tx_id, list);
  }
  return out;
}

/**
 * Every receipt of the org decided in [from, to), per chain from the first to the last such seq
 * (contiguous: a decision whose clock ran slightly behind a later seq is included, so the chain
 * never shows a false gap). JSONL, one ExportRow per line, read from D1 in pages.
 */
export function exportReceipts(env: Env, orgId: string, q: ExportQuery): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        const { results: spans } = await env.DB.prepare(
          `SELECT chain, MIN(seq) AS lo, MAX(seq) AS hi FROM receipts
           WHERE org_id = ? AND decided_at >= ? AND decided_at < ? GROUP BY chain ORDER BY chain`,
        )
          .bind(orgId, q.from, q.to)
          .all<{ chain: string; lo: number; hi: number }>();
        for (const s of spans) {
          for (let next = s.lo; next <= s.hi; next += PAGE) {
            const { results } = await env.DB.prepare(
              "SELECT * FROM receipts WHERE org_id = ? AND chain = ? AND seq >= ? AND seq <= ? ORDER BY seq",
            )
              .bind(orgId, s.chain, next, Math.min(s.hi, next + PAGE - 1))
              .all<ReceiptRowD1>();
            const text = results.map((r) => `${JSON.stringify(exportRow(r))}\n`).join("");
            controller.enqueue(enc.encode(text));
          }
        }
        controller.close();
      } catch (err) {
        controller.error(err);
      }
    },
  });
}

function exportRow(r: ReceiptRowD1) {
  return {
    id: r.id,
    chain: r.chain,
    seq: r.seq,
    txId: r.tx_id,
    status: r.status,
    kid: r.kid,
    hash: r.hash,
    prevHash: r.prev_hash,
    decidedAt: r.decided_at,
    jws: r.jws,
  };
}

export async function signingKeys(env: Env, orgId: string): Promise<SigningKeyView[]> {
  const rows = await listSigningKeys(env, orgId);
  return rows.map((r) => ({
    kid: r.id,
    status: r.status === "retired" ? "retired" : "active",
    publicJwk: JSON.parse(r.public_jwk) as Record<string, unknown>,
    createdAt: r.created_at,
    retiredAt: r.retired_at,
  }));
}

export async function rotateReceiptKey(env: Env, orgId: string, now: number): Promise<SigningKeyView[]> {
  const kid = await rotateSigningKey(env, orgId, now);
  if (kid === null) throw new AppError("NOT_CONFIGURED", "Receipt signing keys need the WALLET_KEK secret");
  return signingKeys(env, orgId);
}

export async function jwks(env: Env, orgId: string | null) {
  return { keys: await publicJwks(env, orgId) };
}
