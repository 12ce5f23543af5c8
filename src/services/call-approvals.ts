// Human approvals as the gateway sees them: one approval is bound to one call (agent, tool, arguments
// hash) and a price ceiling, and is consumed by the first identical call after it was approved.
import { and, desc, eq } from "drizzle-orm";
import { db, newId } from "../db/client";
import { approvals } from "../db/schema";
import type { ApprovalCallContext } from "../db/schema/approvals";
import { emitEvents } from "../events";
import { canonicalJson, sha256Hex } from "../ledger/canonical";

export type ApprovalRow = typeof approvals.$inferSelect;
export type CallKey = { orgId: string; agentId: string; tool: string; argsHash: string };
export type ApprovalPrice = { amount: bigint; currency: string; decimals: number } | null;

export async function argsHash(args: unknown): Promise<string> {
  return sha256Hex(canonicalJson(args ?? {}));
}

/** A short human-readable summary of the arguments (never the whole payload). */
export function argsSummary(args: unknown): string {
  const text = canonicalJson(args ?? {});
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/** The latest approval for this exact call, if any. */
export async function latestApproval(env: Env, key: CallKey): Promise<ApprovalRow | undefined> {
  return db(env)
    .select()
    .from(approvals)
    .where(
      and(
        eq(approvals.orgId, key.orgId),
        eq(approvals.agentId, key.agentId),
        eq(approvals.tool, key.tool),
        eq(approvals.argsHash, key.argsHash),
      ),
    )
    .orderBy(desc(approvals.createdAt))
    .limit(1)
    .get();
}

export type Ceiling = { amount: bigint; currency: string; decimals: number } | null;

/** The most an approved call may cost: the approver's ceiling, else the price shown; null when neither. */
export function ceilingOf(row: ApprovalRow): Ceiling {
  if (row.maxAmount !== null && row.maxCurrency !== null && row.maxDecimals !== null)
    return { amount: BigInt(row.maxAmount), currency: row.maxCurrency, decimals: row.maxDecimals };
  if (row.amount !== null && row.currency !== null && row.decimals !== null)
    return { amount: BigInt(row.amount), currency: row.currency, decimals: row.decimals };
  return null;
}

/** A known price is covered when it is in the ceiling's unit and not above it. */
export function withinCeiling(ceiling: Ceiling, price: NonNullable<ApprovalPrice>): boolean {
  return (
    ceiling !== null &&
    ceiling.currency === price.currency &&
    ceiling.decimals === price.decimals &&
    price.amount <= ceiling.amount
  );
}

/**
 * An approved approval covers a call when the call is unpriced, or priced within its ceiling. An
 * approval given before the price was known and without a ceiling covers the unpriced call only;
 * the priced phase then judges the price with the policy's own caps (evaluate "within_caps").
 */
export function covers(row: ApprovalRow, price: ApprovalPrice): boolean {
  return price === null || withinCeiling(ceilingOf(row), price);
}

/** The approval was asked in this session (or both are outside any session). */
export function sameSession(row: ApprovalRow, sessionId: string | null): boolean {
  return (row.callContext?.sessionId ?? null) === sessionId;
}

/** Single use: only one caller can move it from approved to consumed. */
export async function consumeApproval(env: Env, orgId: string, id: string, now: number): Promise<boolean> {
  const row = await db(env)
    .update(approvals)
    .set({ status: "consumed", decidedAt: now })
    .where(and(eq(approvals.orgId, orgId), eq(approvals.id, id), eq(approvals.status, "approved")))
    .returning({ id: approvals.id })
    .get();
  return row !== undefined;
}

export async function markExpired(env: Env, row: ApprovalRow, now: number): Promise<void> {
  const updated = await db(env)
    .update(approvals)
    .set({ status: "expired", decidedAt: now })
    .where(and(eq(approvals.id, row.id), eq(approvals.status, row.status)))
    .returning({ id: approvals.id })
    .get();
  if (updated) {
    await emitEvents(env, row.orgId, [
      {
        type: "approval.resolved",
        data: {
          approvalId: row.id,
          transactionId: null,
          agentId: row.agentId,
          resolution: "expired",
          note: null,
        },
      },
    ]);
  }
}

export async function createApproval(
  env: Env,
  input: CallKey & {
    args: unknown;
    price: ApprovalPrice;
    vendor: string | null;
    /** The call as judged, for the hold made when it is approved. */
    context: ApprovalCallContext;
    rule: string;
    reason: string;
    timeoutMs: number;
    transactionId: string;
    now: number;
  },
): Promise<ApprovalRow> {
  const row = await db(env)
    .insert(approvals)
    .values({
      id: newId("apr"),
      orgId: input.orgId,
      agentId: input.agentId,
      tool: input.tool,
      argsHash: input.argsHash,
      argsSummary: argsSummary(input.args),
      amount: input.price ? input.price.amount.toString() : null,
      currency: input.price?.currency ?? null,
      decimals: input.price?.decimals ?? null,
      vendor: input.vendor,
      callContext: input.context,
      rule: input.rule,
      reason: input.reason,
      status: "pending",
      expiresAt: input.now + input.timeoutMs,
      createdAt: input.now,
    })
    .returning()
    .get();
  await emitEvents(env, input.orgId, [
    {
      type: "approval.requested",
      data: {
        approvalId: row.id,
        transactionId: input.transactionId,
        agentId: input.agentId,
        tool: input.tool,
        vendor: input.vendor,
        amount: input.price
          ? {
              amount: input.price.amount.toString(),
              currency: input.price.currency,
              decimals: input.price.decimals,
            }
          : null,
        rule: input.rule,
        reason: input.reason,
        expiresAt: new Date(row.expiresAt).toISOString(),
      },
    },
  ]);
  return row;
}
