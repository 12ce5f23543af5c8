// The receipt chain: every final decision of an audited tx (allowed, denied, committed, released,
// expired) appends one receipt body to the object's `receipts` table, inside the decision's own
// transaction, linked to the previous one by its hash. Signing happens later, at flush
// (receipt-flush.ts); the chain order is the decision order (docs/decisions/0033-receipts.md).
import { canonicalJson, sha256HexSync } from "./canonical";
import type { LedgerStore, LineRow } from "./store";
import type { TxRecord, TxStatus } from "./types";

export const FINAL_STATUSES: ReadonlySet<TxStatus> = new Set([
  "allowed",
  "denied",
  "committed",
  "released",
  "expired",
]);

/** The first receipt of a tx; later final transitions (rare: a patched record) add `.2`, `.3`, ... */
export function receiptIdFor(txId: string, n = 1): string {
  return n === 1 ? `rcpt_${txId}` : `rcpt_${txId}.${n}`;
}

/** One budget line as the decision left it. */
export type ReceiptBalance = {
  key: string;
  window: string;
  instance: string;
  unit: string;
  limit: string;
  committed: string;
  reserved: string;
  remaining: string;
};

/** The signed body (JWS payload, canonical JSON). Field meanings: docs/api.md "Receipts". */
export type ReceiptBody = {
  typ: "tollgate.receipt";
  v: 1;
  id: string;
  chain: string;
  seq: number;
  prev: string | null;
  org: string;
  tx: string;
  agent: string | null;
  session: string | null;
  tool: string | null;
  upstream: string | null;
  argsHash: string | null;
  kind: TxRecord["kind"];
  price: { amount: string; currency: string; decimals: number } | null;
  committed: string | null;
  unconfirmed: boolean;
  paymentReceipt: string | null;
  vendor: string | null;
  wallet: string | null;
  approval: string | null;
  decision: TxRecord["decision"];
  status: TxStatus;
  shadow: boolean;
  reasonCode: string | null;
  rules: unknown[];
  balances: ReceiptBalance[];
  createdAt: number;
  decidedAt: number;
};

export type ReceiptRow = {
  seq: number;
  id: string;
  tx_id: string;
  status: string;
  at: number;
  body: string;
  hash: string;
  prev_hash: string | null;
  signed: number;
};

/**
 * A chain per ledger object: its name (the org id; `<org>#s<i>` for a shard of a sharded org), so
 * every chain has one writer and its own seq. Falls back to the org id where the runtime does not
 * name the object.
 */
export function chainName(store: LedgerStore, orgId: string): string {
  return store.objectName ?? orgId;
}

/** Balances of a reservation's lines after the decision, from the object's counters. */
export function heldBalances(store: LedgerStore, held: LineRow[]): ReceiptBalance[] {
  return held.map((l) => {
    const b = store.bucket(l.scope_key, l.instance);
    return {
      key: l.scope_key,
      window: l.window,
      instance: l.instance,
      unit: l.unit,
      limit: l.limit_at_reserve,
      committed: b.committed.toString(),
      reserved: b.reserved.toString(),
      remaining: (BigInt(l.limit_at_reserve) - b.committed - b.reserved).toString(),
    };
  });
}

/**
 * Append the receipt for tx `id` moving from `from` to its current status, if that is a final
 * decision (an unchanged final status appends nothing). `balances`: the lines the decision judged
 * (a refused reserve's); by default the reservation's held lines. Synchronous, in the caller's
 * transaction.
 */
export function chainReceipt(
  store: LedgerStore,
  id: string,
  now: number,
  from: TxStatus | null,
  balances?: ReceiptBalance[],
): void {
  const row = store.tx(id);
  if (row?.audit !== 1 || !FINAL_STATUSES.has(row.status) || row.status === from) return;
  const t = store.txRecord(row);
  const head = store.sql
    .exec<{ seq: number; hash: string; n: number }>(
      `SELECT seq, hash, (SELECT COUNT(*) FROM receipts WHERE tx_id = ?) AS n
       FROM receipts ORDER BY seq DESC LIMIT 1`,
      id,
    )
    .toArray()[0];
  const seq = (head?.seq ?? 0) + 1;
  const n = head ? head.n + 1 : 1;
  const held = row.reservation_id ? store.reservationWithLines(row.reservation_id)?.held : undefined;
  const body: ReceiptBody = {
    typ: "tollgate.receipt",
    v: 1,
    id: receiptIdFor(id, n),
    chain: chainName(store, t.orgId),
    seq,
    prev: head?.hash ?? null,
    org: t.orgId,
    tx: id,
    agent: t.agentId,
    session: t.sessionId,
    tool: t.tool,
    upstream: t.upstreamId,
    argsHash: t.argsHash ?? null,
    kind: t.kind,
    price:
      t.amount !== null && t.currency !== null && t.decimals !== null
        ? { amount: t.amount, currency: t.currency, decimals: t.decimals }
        : null,
    committed: row.committed_amount,
    unconfirmed: row.unconfirmed === 1,
    paymentReceipt: row.receipt_ref,
    vendor: t.vendor,
    wallet: t.walletId ?? null,
    approval: t.approvalId,
    decision: t.decision,
    status: row.status,
    shadow: t.shadow,
    reasonCode: t.reasonCode,
    rules: t.rules,
    balances: balances ?? (held ? heldBalances(store, held) : []),
    createdAt: row.created_at,
    decidedAt: now,
  };
  const text = canonicalJson(body);
  store.sql.exec(
    "INSERT INTO receipts (seq, id, tx_id, status, at, body, hash, prev_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    seq,
    body.id,
    id,
    row.status,
    now,
    text,
    sha256HexSync(text),
    body.prev,
  );
}

export function pendingReceipts(store: LedgerStore, limit: number): ReceiptRow[] {
  return store.sql
    .exec<ReceiptRow>("SELECT * FROM receipts WHERE signed = 0 ORDER BY seq LIMIT ?", limit)
    .toArray();
}
