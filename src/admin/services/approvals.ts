// Human approvals: list, and the one state change pending -> approved | rejected (or expired when late).
import { and, desc, eq } from "drizzle-orm";
import { holdApprovedPrice, releaseHold } from "../../approvals/hold";
import { db } from "../../db/client";
import { approvals } from "../../db/schema";
import { AppError } from "../../errors";
import { emitEvents } from "../../events";
import { moneyViewOrNull } from "../money";
import type { ApprovalsQuery, ApprovalView } from "../schemas/activity";
import { notFound } from "../validate";

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

export async function listApprovals(env: Env, orgId: string, q: ApprovalsQuery): Promise<ApprovalView[]> {
  const rows = await db(env)
    .select()
    .from(approvals)
    .where(
      and(
        eq(approvals.orgId, orgId),
        q.status === "all" ? undefined : eq(approvals.status, q.status),
        q.agentId ? eq(approvals.agentId, q.agentId) : undefined,
      ),
    )
    .orderBy(desc(approvals.createdAt), desc(approvals.id))
    .limit(q.limit)
    .all();
  return rows.map(approvalView);
}

export async function requireApproval(env: Env, orgId: string, id: string): Promise<ApprovalRow> {
  const row = await db(env)
    .select()
    .from(approvals)
    .where(and(eq(approvals.orgId, orgId), eq(approvals.id, id)))
    .get();
  if (!row) throw notFound("Approval");
  return row;
}

/**
 * Decides a pending approval. A decision after expiresAt marks it expired and answers 409; so does
 * deciding twice. The update is conditional on status = pending, so two deciders cannot both win.
 */
export async function decideApproval(
  env: Env,
  orgId: string,
  id: string,
  decision: ApprovalDecision,
  note: string | null,
  now: number,
): Promise<ApprovalView> {
  const row = await requireApproval(env, orgId, id);
  if (row.status !== "pending") throw new AppError("CONFLICT", `Approval is already ${row.status}`);
  const pending = and(eq(approvals.orgId, orgId), eq(approvals.id, id), eq(approvals.status, "pending"));
  if (now >= row.expiresAt) {
    await db(env).update(approvals).set({ status: "expired", decidedAt: now }).where(pending).run();
    throw new AppError("CONFLICT", "Approval has expired");
  }
  // Approving a priced call holds its price at once; if the budget cannot hold it, nothing changes.
  const hold = decision === "approved" ? await holdApprovedPrice(env, row, now) : null;
  if (hold && !hold.ok) throw new AppError("CONFLICT", `Cannot approve: ${hold.message}`);
  const reservationId = hold?.ok ? hold.reservationId : null;
  const updated = await db(env)
    .update(approvals)
    .set({ status: decision, note, decidedAt: now, ...(reservationId ? { reservationId } : {}) })
    .where(pending)
    .returning()
    .get();
  if (!updated) {
    if (reservationId) await releaseHold(env, orgId, reservationId, now);
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
