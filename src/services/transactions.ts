// Transactions of an org, newest first, filtered and paginated by an opaque (createdAt, id) cursor.
import { and, eq, gte, inArray, isNotNull, lt, type SQL, sql } from "drizzle-orm";
import { db } from "../db/client";
import { transactions } from "../db/schema";
import { moneyViewOrNull } from "./money";
import { requireOwned } from "./owned";
import { afterCursor, pageOf, pageOrder } from "./pages";
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
  where.push(afterCursor(transactions, q.cursor, "desc"));
  const rows = await db(env)
    .select()
    .from(transactions)
    .where(and(...where))
    .orderBy(...pageOrder(transactions, "desc"))
    .limit(q.limit + 1)
    .all();
  const page = pageOf(rows, q.limit);
  const receipts = await receiptsByTx(
    env,
    orgId,
    page.rows.map((r) => r.id),
  );
  return { data: page.rows.map((r) => transactionView(r, receipts.get(r.id))), nextCursor: page.nextCursor };
}

export async function getTransaction(env: Env, orgId: string, id: string): Promise<TransactionView> {
  const row = await requireOwned(env, transactions, orgId, id, "Transaction");
  return transactionView(row, (await receiptsByTx(env, orgId, [id])).get(id));
}

/** Committed spend of one agent in one unit on one day (`day` indexes the `starts` given). */
export type DaySpend = { agentId: string; currency: string; decimals: number; day: number; amount: bigint };

/**
 * Committed spend per agent, unit and day since starts[0], summed by D1 (index transactions_agent_time
 * per agent), so no transaction row reaches the Worker. `starts` are the days' first instants, oldest
 * first (at most 31); `agentIds` at most 50. Amounts are base-unit text wider than SQLite's integers
 * (18-decimal tokens), so each is summed in two exact integer halves (above and below 10^9) and put
 * back together as a bigint.
 */
export async function committedPerDay(
  env: Env,
  orgId: string,
  agentIds: string[],
  starts: number[],
): Promise<DaySpend[]> {
  const from = starts[0];
  if (agentIds.length === 0 || from === undefined) return [];
  // D1 binds at most 100 parameters: 3 + the agents + the days.
  if (agentIds.length > 50 || starts.length > 31) throw new Error("committedPerDay: too many agents or days");
  const t = transactions;
  const when = starts.map((s, i) => sql`WHEN ${t.createdAt} >= ${s} THEN ${sql.raw(String(i))}`).reverse();
  const day = sql<number>`CASE ${sql.join(when, sql` `)} END`.as("spend_day");
  const amount = t.committedAmount;
  const high = sql`CAST(substr(${amount}, 1, length(${amount}) - 9) AS INTEGER)`;
  const low = sql`CAST(substr(${amount}, -9) AS INTEGER)`;
  const rows = await db(env)
    .select({
      agentId: t.agentId,
      currency: t.currency,
      decimals: t.decimals,
      day,
      high: sql<string>`CAST(sum(${high}) AS TEXT)`,
      low: sql<string>`CAST(sum(${low}) AS TEXT)`,
    })
    .from(t)
    .where(
      and(
        eq(t.orgId, orgId),
        inArray(t.agentId, agentIds),
        eq(t.status, "committed"),
        gte(t.createdAt, from),
        isNotNull(amount),
        isNotNull(t.currency),
        isNotNull(t.decimals),
      ),
    )
    .groupBy(t.agentId, t.currency, t.decimals, sql`spend_day`)
    .all();
  return rows.flatMap((r) =>
    r.agentId === null || r.currency === null || r.decimals === null
      ? []
      : [
          {
            agentId: r.agentId,
            currency: r.currency,
            decimals: r.decimals,
            day: Number(r.day),
            amount: BigInt(r.high) * 1_000_000_000n + BigInt(r.low),
          },
        ],
  );
}
