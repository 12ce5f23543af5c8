// Transactions of an org, newest first, filtered and paginated by an opaque (createdAt, id) cursor.
import { and, desc, eq, gte, lt, or, type SQL } from "drizzle-orm";
import { db } from "../db/client";
import { transactions } from "../db/schema";
import { AppError } from "../errors";
import { moneyViewOrNull } from "./money";
import { requireOwned } from "./owned";
import { receiptsByTx } from "./receipts";
import type { TransactionsQuery, TransactionView } from "./schemas/activity";
import type { ReceiptView } from "./schemas/receipts";

type TxRow = typeof transactions.$inferSelect;

export function transactionView(row: TxRow, receipts: ReceiptView[] = []): TransactionView {
  return {
    id: row.id,
    agentId: row.agentId,
    sessionId: row.sessionId,
    tool: row.tool,
    upstreamId: row.upstreamId,
    kind: row.kind,
    price: moneyViewOrNull(row.amount, row.currency, row.decimals),
    committed: moneyViewOrNull(row.committedAmount, row.currency, row.decimals),
    vendor: row.vendor,
    decision: row.decision,
    shadow: row.shadow,
    reasonCode: row.reasonCode,
    reason: row.reason,
    rules: row.rules,
    status: row.status,
    unconfirmed: row.unconfirmed,
    challengeId: row.challengeId,
    receiptRef: row.receiptRef,
    approvalId: row.approvalId,
    walletId: row.walletId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    receipts,
  };
}

export function encodeCursor(createdAt: number, id: string): string {
  return btoa(JSON.stringify([createdAt, id]))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

export function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const json = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    const [createdAt, id] = JSON.parse(json) as unknown[];
    if (typeof createdAt === "number" && Number.isSafeInteger(createdAt) && typeof id === "string")
      return { createdAt, id };
  } catch {
    // fall through to the one error below
  }
  throw new AppError("VALIDATION_FAILED", "Invalid query: cursor: not a cursor from this API", [
    { path: "cursor", message: "not a cursor from this API" },
  ]);
}

export async function listTransactions(
  env: Env,
  orgId: string,
  q: TransactionsQuery,
): Promise<{ data: TransactionView[]; nextCursor: string | null }> {
  const where: (SQL | undefined)[] = [eq(transactions.orgId, orgId)];
  if (q.agentId) where.push(eq(transactions.agentId, q.agentId));
  if (q.tool) where.push(eq(transactions.tool, q.tool));
  if (q.status) where.push(eq(transactions.status, q.status));
  if (q.from !== undefined) where.push(gte(transactions.createdAt, q.from));
  if (q.to !== undefined) where.push(lt(transactions.createdAt, q.to));
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    where.push(
      or(
        lt(transactions.createdAt, c.createdAt),
        and(eq(transactions.createdAt, c.createdAt), lt(transactions.id, c.id)),
      ),
    );
  }
  const rows = await db(env)
    .select()
    .from(transactions)
    .where(and(...where))
    .orderBy(desc(transactions.createdAt), desc(transactions.id))
    .limit(q.limit + 1)
    .all();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const receipts = await receiptsByTx(
    env,
    orgId,
    page.map((r) => r.id),
  );
  return {
    data: page.map((r) => transactionView(r, receipts.get(r.id))),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}

export async function getTransaction(env: Env, orgId: string, id: string): Promise<TransactionView> {
  const row = await requireOwned(env, transactions, orgId, id, "Transaction");
  return transactionView(row, (await receiptsByTx(env, orgId, [id])).get(id));
}
