// Holding an approved price: when a human approves a priced call, the price is reserved at once
// against the agent's budgets, for the approval's lifetime, so the approved call cannot be starved
// by other spend before the agent retries it. The retry's challenge is then bound to this hold.
import { type LedgerRoute, ledger } from "../ledger/client";
import { walletCapLines } from "../wallets";
import { type ApprovalRow, ceilingOf } from "./call-approvals";
import { judge } from "./judge";
import { freshAgentState, freshOrgState, payingWallet, routeFor, rulesFor } from "./tenant";

export type HoldResult = { ok: true; reservationId: string | null } | { ok: false; message: string };

/**
 * Holds what the approved call may cost: the approver's ceiling when one was given (never below the
 * price shown), else the price shown. An approval asked before the price was known holds nothing:
 * its call reserves at the priced phase (docs/decisions/0014-approval-ceilings.md).
 */
export async function holdApprovedPrice(env: Env, row: ApprovalRow, now: number): Promise<HoldResult> {
  if (row.amount === null || row.currency === null || row.decimals === null)
    return { ok: true, reservationId: null };
  const price = ceilingOf(row);
  if (price === null) return { ok: true, reservationId: null };
  const raised = price.amount > BigInt(row.amount);
  const [org, agent] = await Promise.all([
    freshOrgState(env, row.orgId),
    freshAgentState(env, row.orgId, { id: row.agentId }),
  ]);
  if (!org) return { ok: false, message: "organization not found" };
  // The hold is judged as the call itself was: its arguments, upstream and session.
  const context = row.callContext ?? { args: {}, upstreamId: null, sessionId: null };
  const upstream = org.upstreams.find((u) => u.id === context.upstreamId)?.namespace ?? null;
  const decision = judge(
    rulesFor(org, agent),
    {
      orgId: row.orgId,
      agentId: row.agentId,
      sessionId: context.sessionId,
      tool: row.tool,
      upstream,
      args: context.args ?? {},
      price,
      vendor: row.vendor,
      category: null,
    },
    now,
    true,
  );
  if (decision.action === "deny" && !decision.shadow) {
    return { ok: false, message: decision.denial?.message ?? "the policy refuses this price" };
  }
  // Every money line the call would reserve, its session's included (counters are taken per attempt).
  const sessionId = context.sessionId ?? "_nosession";
  const own = decision.scopes
    .filter((l) => l.kind === "money")
    .map(({ message: _, ...l }) => (l.window === "session" ? { ...l, sessionId } : l));
  // An agent Tollgate pays for spends its wallet too: the hold carries the wallet's caps, or an
  // approval could take the wallet past them.
  const wallet = payingWallet(agent);
  const caps = wallet ? walletCapLines(wallet, price, org.settings.conversions) : null;
  if (caps && !caps.ok) return { ok: false, message: caps.message };
  const lines = [...own, ...(caps?.ok ? caps.lines : [])];
  // One id per attempt: a refused attempt leaves its denied record under its own id, so a later
  // attempt (the budget freed, another ceiling) is a new reservation, not an idempotency conflict.
  const reservationId = `tx_hold_${row.id}_${crypto.randomUUID().slice(0, 8)}`;
  const result = await ledger(env, row.orgId, routeFor(org.org.settings, row.agentId)).reserve({
    idempotencyKey: reservationId,
    lines,
    ttlMs: Math.min(Math.max(row.expiresAt - now, 1_000), 86_400_000),
    now,
    tx: {
      id: reservationId,
      orgId: row.orgId,
      agentId: row.agentId,
      sessionId: context.sessionId,
      tool: row.tool,
      upstreamId: context.upstreamId,
      kind: "payment",
      amount: price.amount.toString(),
      currency: price.currency,
      decimals: price.decimals,
      vendor: row.vendor,
      ...(wallet ? { walletId: wallet.id } : {}),
      decision: "allow",
      shadow: decision.shadow,
      reasonCode: null,
      reason: raised ? "held up to the approver's ceiling" : "held for an approved call",
      rules: decision.rules,
      status: "reserved",
      challengeId: null,
      approvalId: row.id,
    },
  });
  if (!result.ok) return { ok: false, message: "the budget ledger is unavailable" };
  const r = result.value;
  if (r.ok) return { ok: true, reservationId: r.reservationId };
  if (r.reason === "budget_exceeded") {
    return { ok: false, message: `not enough budget to hold the approved price (${r.scope.label})` };
  }
  return { ok: false, message: `the ledger refused the hold (${r.reason})` };
}

export async function releaseHold(
  env: Env,
  orgId: string,
  reservationId: string,
  now: number,
  route?: LedgerRoute,
): Promise<void> {
  await ledger(env, orgId, route).release({ reservationId, reason: "approval not applied", now });
}
