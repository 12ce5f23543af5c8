// Human approvals: list, and the one state change pending -> approved | rejected (or expired when late).
import { and, eq } from "drizzle-orm";
import { db } from "../db/client";
import { approvals } from "../db/schema";
import { AppError } from "../errors";
import { emitEvents } from "../events";
import { currencyDecimals, formatAmount } from "../money";
import { holdApprovedPrice, releaseHold } from "./approval-hold";
import { moneyViewOrNull, toBaseUnitString } from "./money";
import { requireOrg } from "./orgs";
import { requireOwned } from "./owned";
import { afterCursor, pageOf, pageOrder } from "./pages";
import type { ApprovalsQuery, ApprovalView, MaxPrice } from "./schemas/activity";
import { routeFor } from "./tenant";
import { fieldError } from "./validate";

type ApprovalRow = typeof approvals.$inferSelect;
export type ApprovalDecision = "approved" | "rejected";

export function approvalView(row: ApprovalRow): ApprovalView {
  return {
    id: row.id,
    agentId: row.agentId,
    tool: row.tool,
    argsHash: row.argsHash,
    argsSummary: row.argsSummary,
    price: moneyViewOrNull(row.amount, row.currency, row.decimals),
    maxPrice: moneyViewOrNull(row.maxAmount, row.maxCurrency, row.maxDecimals),
    vendor: row.vendor,
    rule: row.rule,
    reason: row.reason,
    status: row.status,
    note: row.note,
    expiresAt: row.expiresAt,
    createdAt: row.createdAt,
    decidedAt: row.decidedAt,
  };
}

/** One page, newest first: by status through approvals_org_status, every status through approvals_org_time. */
export async function listApprovals(
  env: Env,
  orgId: string,
  q: ApprovalsQuery,
): Promise<{ data: ApprovalView[]; nextCursor: string | null }> {
  const rows = await db(env)
    .select()
    .from(approvals)
    .where(
      and(
        eq(approvals.orgId, orgId),
        q.status === "all" ? undefined : eq(approvals.status, q.status),
        q.agentId ? eq(approvals.agentId, q.agentId) : undefined,
        afterCursor(approvals, q.cursor, "desc"),
      ),
    )
    .orderBy(...pageOrder(approvals, "desc"))
    .limit(q.limit + 1)
    .all();
  const page = pageOf(rows, q.limit);
  return { data: page.rows.map(approvalView), nextCursor: page.nextCursor };
}

export async function requireApproval(env: Env, orgId: string, id: string): Promise<ApprovalRow> {
  return requireOwned(env, approvals, orgId, id, "Approval");
}

type CeilingFields = { maxAmount: string; maxCurrency: string; maxDecimals: number };

/**
 * The approver's ceiling in base units. A priced approval's ceiling is in the price's currency and
 * decimals and not below the price (it would cover nothing); an unpriced one's is in a known currency.
 */
export function resolveCeiling(row: ApprovalRow, max: MaxPrice): CeilingFields {
  const priced = row.amount !== null && row.currency !== null && row.decimals !== null;
  if (priced && max.currency !== row.currency)
    throw fieldError("maxPrice.currency", `must be ${row.currency}, the currency of the price shown`);
  const decimals = priced ? row.decimals : currencyDecimals(max.currency);
  if (decimals === null)
    throw fieldError("maxPrice.currency", `unknown currency ${max.currency}: use a code like USD or PATHUSD`);
  const amount = toBaseUnitString(max.amount, decimals, "maxPrice.amount");
  if (BigInt(amount) === 0n) throw fieldError("maxPrice.amount", "must be above zero");
  if (priced && BigInt(amount) < BigInt(row.amount!)) {
    const shown = `${formatAmount(BigInt(row.amount!), decimals)} ${row.currency}`;
    throw fieldError("maxPrice.amount", `is below the price shown (${shown}): reject the call instead`);
  }
  return { maxAmount: amount, maxCurrency: max.currency, maxDecimals: decimals };
}

/**
 * Decides a pending approval. A decision after expiresAt marks it expired and answers 409; so does
 * deciding twice. The update is conditional on status = pending, so two deciders cannot both win.
 * An approval may carry a price ceiling (`maxPrice`); a priced one then holds the ceiling.
 */
export async function decideApproval(
  env: Env,
  orgId: string,
  id: string,
  decision: ApprovalDecision,
  note: string | null,
  now: number,
  maxPrice?: MaxPrice,
): Promise<ApprovalView> {
  const row = await requireApproval(env, orgId, id);
  if (row.status !== "pending") throw new AppError("CONFLICT", `Approval is already ${row.status}`);
  const ceiling = decision === "approved" && maxPrice ? resolveCeiling(row, maxPrice) : null;
  const pending = and(eq(approvals.orgId, orgId), eq(approvals.id, id), eq(approvals.status, "pending"));
  if (now >= row.expiresAt) {
    await db(env).update(approvals).set({ status: "expired", decidedAt: now }).where(pending).run();
    throw new AppError("CONFLICT", "Approval has expired");
  }
  // Approving a priced call holds its price (or the ceiling above it) at once; if the budget cannot
  // hold it, nothing changes.
  const hold = decision === "approved" ? await holdApprovedPrice(env, { ...row, ...ceiling }, now) : null;
  if (hold && !hold.ok) throw new AppError("CONFLICT", `Cannot approve: ${hold.message}`);
  const reservationId = hold?.ok ? hold.reservationId : null;
  const updated = await db(env)
    .update(approvals)
    .set({
      status: decision,
      note,
      decidedAt: now,
      ...(ceiling ?? {}),
      ...(reservationId ? { reservationId } : {}),
    })
    .where(pending)
    .returning()
    .get();
  if (!updated) {
    if (reservationId) {
      const org = await requireOrg(env, orgId);
      await releaseHold(env, orgId, reservationId, now, routeFor(org.settings, row.agentId));
    }
    throw new AppError("CONFLICT", "Approval was decided concurrently");
  }
  await emitEvents(env, orgId, [
    {
      type: "approval.resolved",
      data: { approvalId: id, transactionId: null, agentId: updated.agentId, resolution: decision, note },
    },
  ]);
  return approvalView(updated);
}
