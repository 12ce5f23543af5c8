// Settling reservations: commit (with overage policies), release, extend and expiry. Every
// settlement applies to the window instance stored on the reservation line, not the current one.

import type { z } from "zod";
import { LedgerInputError } from "./errors";
import { chainReceipt } from "./receipts";
import type { CommitLine, CommitResult, ExtendResult, ReleaseResult } from "./results";
import type { Delta, LedgerStore, LineRow } from "./store";
import type { CommitInput, PaidAmount } from "./types";

type Commit = z.output<typeof CommitInput>;

function inst(l: LineRow) {
  return { instance: l.instance, windowStart: l.window_start, windowEnd: l.window_end };
}

/**
 * Return every line's hold to its bucket and close the reservation as released or expired. With
 * `keepCounts` (the call reached the upstream), count lines are charged instead: a failing tool still
 * uses up its rate limit, as Intercept counts it. Their charges are kept in `result`, like a commit's.
 */
function close(
  store: LedgerStore,
  id: string,
  lines: LineRow[],
  status: "released" | "expired",
  reason: string,
  now: number,
  keepCounts = false,
) {
  const kept = (l: LineRow) => keepCounts && l.kind === "count";
  const deltas = lines.map(
    (l): Delta => ({
      scopeKey: l.scope_key,
      instance: l.instance,
      reserved: -BigInt(l.amount),
      ...(kept(l) ? { committed: BigInt(l.amount) } : {}),
    }),
  );
  store.applyDeltas(lines.map((l, i) => ({ window: l.window, inst: inst(l), delta: deltas[i]! })));
  store.journal(status === "released" ? "release" : "expire", id, now, deltas, { reason });
  const charged = lines.filter(kept).map((l) => ({ key: l.scope_key, charged: l.amount }));
  store.sql.exec(
    "UPDATE reservations SET status = ?, finalized_at = ?, final_reason = ?, result = ? WHERE id = ?",
    status,
    now,
    reason,
    charged.length > 0 ? JSON.stringify({ ok: true, lines: charged }) : null,
    id,
  );
  store.setTxStatus(id, now, status);
  chainReceipt(store, id, now, "reserved");
}

/**
 * Settle every active reservation whose expires_at <= now: an unclaimed hold expires (nothing was
 * paid through it); a claimed one commits unconfirmed, since its credential left and money may
 * have moved without anyone reporting back. Returns how many.
 */
export function expireDue(store: LedgerStore, now: number): number {
  const due = store.dueReservations(now);
  for (const id of due) {
    const r = store.reservation(id);
    if (r?.claimed_at != null) commitOp(store, { reservationId: id, now, unconfirmed: true });
    else close(store, id, store.lines(id), "expired", "ttl", now);
  }
  return due.length;
}

type Plan = { line: LineRow; actual: bigint; charged: bigint; debt: bigint; overage: CommitLine["overage"] };
type Refusal = Extract<CommitResult, { reason: "overage_rejected" | "overdraft_limit_exceeded" }>;

function planLine(store: LedgerStore, line: LineRow, actual: bigint): Plan | Refusal {
  const amount = BigInt(line.amount);
  if (actual <= amount) return { line, actual, charged: actual, debt: 0n, overage: "none" };
  const b = store.bucket(line.scope_key, line.instance);
  // Room this line could take, counting its own hold as available to it.
  const headroom = BigInt(line.limit_at_reserve) - b.committed - (b.reserved - amount);
  const room = headroom > amount ? headroom : amount;
  const refusal = (reason: Refusal["reason"], available: bigint): Refusal => ({
    ok: false,
    reason,
    key: line.scope_key,
    reserved: line.amount,
    actual: actual.toString(),
    available: available.toString(),
  });
  switch (line.overage) {
    case "reject":
      return refusal("overage_rejected", room);
    case "allow_if_available":
      if (actual <= room) return { line, actual, charged: actual, debt: 0n, overage: "none" };
      return { line, actual, charged: room, debt: 0n, overage: "capped" };
    case "allow_with_overdraft": {
      if (actual <= room) return { line, actual, charged: actual, debt: 0n, overage: "none" };
      const debt = actual - room;
      const overdraft = BigInt(line.overdraft_limit);
      if (b.debt + debt > overdraft) return refusal("overdraft_limit_exceeded", room + overdraft - b.debt);
      return { line, actual, charged: actual, debt, overage: "overdraft" };
    }
  }
}

export function commitOp(store: LedgerStore, input: Commit): CommitResult {
  const { reservationId: id, now } = input;
  const r = store.reservationWithLines(id);
  if (!r) return { ok: false, reason: "not_found" };
  if (r.status === "committed") return JSON.parse(r.result!) as CommitResult;
  if (r.status === "released") return { ok: false, reason: "already_released" };
  if (r.status === "expired") return { ok: false, reason: "expired" };

  const lines = r.held;
  const actuals = input.actualAmounts ?? {};
  for (const key of Object.keys(actuals)) {
    if (!lines.some((l) => l.scope_key === key)) {
      throw new LedgerInputError(`actualAmounts.${key}`, "no such line on this reservation");
    }
  }
  const plans: Plan[] = [];
  for (const line of lines) {
    const actual = actuals[line.scope_key];
    const p = planLine(store, line, actual === undefined ? BigInt(line.amount) : BigInt(actual));
    if ("ok" in p) return p;
    plans.push(p);
  }

  const deltas = plans.map(
    (p): Delta => ({
      scopeKey: p.line.scope_key,
      instance: p.line.instance,
      reserved: -BigInt(p.line.amount),
      committed: p.charged,
      debt: p.debt,
    }),
  );
  store.applyDeltas(plans.map((p, i) => ({ window: p.line.window, inst: inst(p.line), delta: deltas[i]! })));
  const out: CommitLine[] = plans.map((p) => {
    const amount = BigInt(p.line.amount);
    return {
      key: p.line.scope_key,
      reserved: p.line.amount,
      actual: p.actual.toString(),
      charged: p.charged.toString(),
      released: (amount > p.charged ? amount - p.charged : 0n).toString(),
      overage: p.overage,
      debt: p.debt.toString(),
    };
  });
  const result: CommitResult = {
    ok: true,
    reservationId: id,
    status: "committed",
    committedAt: now,
    lines: out,
  };
  store.journal("commit", id, now, deltas, { unconfirmed: input.unconfirmed ?? false });
  store.sql.exec(
    "UPDATE reservations SET status = 'committed', finalized_at = ?, result = ? WHERE id = ?",
    now,
    JSON.stringify(result),
    id,
  );
  // The tx's committed amount is the largest charge on a money line (money lines of one call carry
  // the same price); a count-only reservation keeps whatever amount the tx already had.
  const committedAmount = committedAmountOf(store, id, plans, input.paid);
  if (input.paid) repriceTx(store, id, input.paid, now);
  store.setTxStatus(id, now, "committed", {
    committedAmount,
    receiptRef: input.receiptRef ?? null,
    unconfirmed: input.unconfirmed ?? false,
  });
  chainReceipt(store, id, now, "reserved");
  return result;
}

/**
 * The tx's committed amount, in the tx's own unit: what the caller says was paid, else the largest
 * charge on a money line in that unit, else the price the tx was reserved at (a paid call with no
 * money budget line still records what it cost). Null only for a tx without a price.
 */
function committedAmountOf(
  store: LedgerStore,
  id: string,
  plans: Plan[],
  paid: PaidAmount | undefined,
): string | null {
  if (paid) return paid.amount;
  const tx = store.txPrice(id);
  if (!tx || tx.amount === null) return null;
  const unit = `${tx.currency}/${tx.decimals}`;
  let largest: bigint | null = null;
  for (const p of plans)
    if (p.line.kind === "money" && p.line.unit === unit && (largest === null || p.charged > largest))
      largest = p.charged;
  return largest === null ? tx.amount : largest.toString();
}

/** The paid offer may be a cheaper alternative in another unit: the tx then describes what was paid. */
function repriceTx(store: LedgerStore, id: string, paid: PaidAmount, now: number): void {
  const price = store.txPrice(id);
  if (!price || (price.currency === paid.currency && price.decimals === paid.decimals)) return;
  const row = store.tx(id);
  if (!row) return;
  const tx = store.txRecord(row);
  store.replaceTx({ ...tx, amount: paid.amount, currency: paid.currency, decimals: paid.decimals }, now);
}

export function releaseOp(
  store: LedgerStore,
  id: string,
  reason: string,
  now: number,
  keepCounts = false,
): ReleaseResult {
  const r = store.reservationWithLines(id);
  if (!r) return { ok: false, reason: "not_found" };
  if (r.status === "active") close(store, id, r.held, "released", reason, now, keepCounts);
  const status = r.status === "active" ? "released" : r.status;
  return { ok: true, reservationId: id, status };
}

export function extendOp(store: LedgerStore, id: string, ttlMs: number, now: number): ExtendResult {
  const r = store.reservation(id);
  if (!r) return { ok: false, reason: "not_found" };
  if (r.status === "expired") return { ok: false, reason: "expired" };
  if (r.status !== "active") return { ok: false, reason: "not_active" };
  // A heartbeat: keep the hold for ttlMs from now, never shorten it.
  const expiresAt = Math.max(r.expires_at, now + ttlMs);
  store.sql.exec("UPDATE reservations SET expires_at = ? WHERE id = ?", expiresAt, id);
  store.journal("extend", id, now, [], { from: r.expires_at, to: expiresAt });
  return { ok: true, reservationId: id, expiresAt };
}
