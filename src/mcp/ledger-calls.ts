// The gateway's calls into the tenant ledger, each failing closed: an unreachable ledger becomes a
// denial (nothing is forwarded), never an unmetered pass-through.
import type { OfferBind, PaidAmount, ScopeLine, TxRecord } from "../ledger/types";
import { formatAmount } from "../money";
import { type ScopeLine as PolicyLine, parseMoneyUnit } from "../policy";
import type { GatewayCtx } from "./context";
import type { Denial } from "./denial";
import { notifyRejected, notifyReserved } from "./notify";
import { gatewayLedger } from "./traced-ledger";

export type Hold = { ok: true; reservationId: string; expiresAt: number } | { ok: false; denial: Denial };

/** Reserves every line of a decision; a refusal is recorded by the ledger and told to webhooks. */
export async function reserveLines(
  g: GatewayCtx,
  input: {
    txId: string;
    lines: PolicyLine[];
    ttlMs: number;
    tx: TxRecord;
    /** false: an internal hold (rate-limit counters of a free call) that never becomes a D1 row. */
    audit?: boolean;
    bind?: OfferBind;
    price?: Denial["price"];
  },
): Promise<Hold> {
  const now = Date.now();
  const result = await gatewayLedger(g).reserve({
    idempotencyKey: input.txId,
    lines: input.lines.map((l) => toLedgerLine(l, g.session?.n ?? null)),
    ttlMs: input.ttlMs,
    now,
    tx: input.tx,
    ...(input.audit === false ? { audit: false } : {}),
    ...(input.bind ? { bind: input.bind } : {}),
  });
  if (!result.ok) return { ok: false, denial: unavailable(input.txId) };
  const r = result.value;
  if (r.ok) {
    if (input.audit !== false) notifyReserved(g, input.tx, input.lines, r.balances);
    return { ok: true, reservationId: r.reservationId, expiresAt: r.expiresAt };
  }
  if (r.reason !== "budget_exceeded") {
    // idempotency_conflict cannot happen for fresh tx ids; treat anything unexpected as a fault.
    return {
      ok: false,
      denial: {
        reason: "ledger_unavailable",
        message: `ledger refused: ${r.reason}`,
        transactionId: input.txId,
      },
    };
  }
  notifyRejected(g, {
    ...input.tx,
    status: "denied",
    decision: "deny",
    reasonCode: "budget_exceeded",
    reason: r.scope.label,
  });
  const line = input.lines.find((l) => l.key === r.scope.key);
  const isCount = line?.kind === "count";
  return {
    ok: false,
    denial: {
      reason: isCount ? "rate_limited" : "budget_exceeded",
      message:
        line?.message || (isCount ? describeCount(r.scope) : `${r.scope.label}: ${describeRoom(r.scope)}`),
      rule: r.scope.label,
      source: "ledger",
      price: input.price ?? null,
      scope: r.scope,
      retryAfter: r.scope.resetsAt,
      transactionId: input.txId,
    },
  };
}

/** "limit of 10 calls per hour reached"; a counter with a fixed-point scale ("count/6") in its own units. */
function describeCount(scope: { label: string; unit: string; limit: string; window: string }): string {
  const scaled = /^count\/(\d+)$/.exec(scope.unit);
  if (!scaled) return `${scope.label}: limit of ${scope.limit} calls per ${scope.window} reached.`;
  const limit = formatAmount(BigInt(scope.limit), Number(scaled[1]));
  return `${scope.label}: the counter's limit of ${trimZeros(limit)} per ${scope.window} is reached.`;
}

function trimZeros(decimal: string): string {
  return decimal.includes(".") ? decimal.replace(/\.?0+$/, "") : decimal;
}

/** Session windows are keyed by the gateway session; clients without one share "_nosession". */
function toLedgerLine(line: PolicyLine, sessionId: string | null): ScopeLine {
  const { message: _, ...ledgerLine } = line;
  return line.window === "session" ? { ...ledgerLine, sessionId: sessionId ?? "_nosession" } : ledgerLine;
}

/** "only 0.50 of 10.00 PATHUSD left": money units are "<CURRENCY>/<decimals>". */
function describeRoom(scope: {
  unit: string;
  remaining: string;
  limit: string;
  resetsAt: number | null;
}): string {
  const m = parseMoneyUnit(scope.unit);
  const fmt = (v: string) => (m ? formatAmount(BigInt(v), m.decimals) : v);
  const reset = scope.resetsAt ? ` It resets at ${new Date(scope.resetsAt).toISOString()}.` : "";
  return `only ${fmt(scope.remaining)} of ${fmt(scope.limit)} ${m ? m.currency : scope.unit} left, not enough for this call.${reset}`;
}

export function unavailable(txId: string): Denial {
  return {
    reason: "ledger_unavailable",
    message: "the budget ledger could not be reached, so the call was not forwarded.",
    source: "gateway",
    transactionId: txId,
  };
}

export type Settlement =
  | {
      commit: true;
      unconfirmed?: boolean;
      receiptRef?: string | null;
      actualAmounts?: Record<string, string>;
      paid?: PaidAmount;
    }
  | { commit: false; reason: string; keepCounts?: boolean };

/**
 * Commits or releases, for callers whose next step needs the settled ledger (a release frees room
 * before a re-price or a refusal's answer). A failed settle is not lost: the reservation expires at its TTL (a claimed one
 * commits unconfirmed then).
 */
export async function settle(g: GatewayCtx, reservationId: string, how: Settlement): Promise<void> {
  const book = gatewayLedger(g);
  const now = Date.now();
  const r = await (how.commit
    ? book.commit({
        reservationId,
        now,
        unconfirmed: how.unconfirmed ?? false,
        receiptRef: how.receiptRef ?? null,
        ...(how.actualAmounts ? { actualAmounts: how.actualAmounts } : {}),
        ...(how.paid ? { paid: how.paid } : {}),
      })
    : book.release({
        reservationId,
        reason: how.reason,
        now,
        ...(how.keepCounts ? { keepCounts: true } : {}),
      }));
  if (!r.ok) console.error("ledger settle failed", reservationId);
  else if (!r.value.ok) console.error("ledger settle refused", reservationId, r.value.reason);
}

/**
 * A commit that decides nothing runs after the answer: the money already moved (a receipt) or the
 * call already succeeded, and the hold counts against every budget it touches until the commit
 * lands. The commit charges at most what the hold holds (paid amounts are clamped to it), so a
 * budget check that runs first never under-counts. waitUntil keeps the isolate until it lands; a
 * commit that still fails is logged like an awaited one, and a claimed hold then commits unconfirmed
 * at its expiry, so a paid call is counted either way.
 */
export function commitAfterAnswer(
  g: GatewayCtx,
  reservationId: string,
  how: Extract<Settlement, { commit: true }>,
): void {
  g.exec.waitUntil(settle(g, reservationId, how));
}

/** Records a decision that holds no budget (denials, free calls) in the ledger's outbox. */
export async function record(g: GatewayCtx, tx: TxRecord): Promise<void> {
  if (tx.status === "denied") notifyRejected(g, tx);
  const r = await gatewayLedger(g).record({ tx, now: Date.now() });
  if (!r.ok) console.error("ledger record failed", tx.id);
}
