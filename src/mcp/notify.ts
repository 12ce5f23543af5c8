// Webhook events for gateway decisions, emitted after the answer (waitUntil) so a slow dispatcher
// never delays a call. Budget events use deterministic ids per scope window, so each fires once per
// window even when several calls cross the same threshold (the dispatcher dedupes by event id).
import {
  alertsEnabled,
  budgetThresholdCrossings,
  type EventInput,
  emitEvents,
  observePayment,
  payeeKey,
} from "../events";
import { sha256Hex } from "../ledger/canonical";
import type { Balance } from "../ledger/results";
import type { TxRecord } from "../ledger/types";
import { parseMoneyUnit, type ScopeLine } from "../policy";
import type { GatewayCtx } from "./context";

type Money = { amount: string; currency: string; decimals: number } | null;

function moneyOf(tx: Pick<TxRecord, "amount" | "currency" | "decimals">): Money {
  return tx.amount !== null && tx.currency !== null && tx.decimals !== null
    ? { amount: tx.amount, currency: tx.currency, decimals: tx.decimals }
    : null;
}

function callFields(tx: TxRecord) {
  return {
    transactionId: tx.id,
    agentId: tx.agentId,
    sessionId: tx.sessionId,
    upstreamId: tx.upstreamId || null,
    tool: tx.tool,
    vendor: tx.vendor,
  };
}

function emit(g: GatewayCtx, events: EventInput[]): void {
  if (events.length > 0) g.exec.waitUntil(emitEvents(g.env, g.tenant.orgId, events));
}

export function notifyRejected(g: GatewayCtx, tx: TxRecord): void {
  emit(g, [
    {
      type: "transaction.rejected",
      data: {
        ...callFields(tx),
        amount: moneyOf(tx),
        reasonCode: tx.reasonCode ?? "denied",
        reason: tx.reason ?? "",
        rules: (tx.rules as { name?: string; passed?: boolean }[])
          .filter((r) => r.passed === false && typeof r.name === "string")
          .map((r) => r.name as string),
      },
    },
  ]);
}

/** A reservation was made: the decision, plus any budget that just crossed its warning line or limit. */
export function notifyReserved(g: GatewayCtx, tx: TxRecord, lines: ScopeLine[], balances: Balance[]): void {
  const events: Promise<EventInput[]> = budgetEvents(g, lines, balances);
  g.exec.waitUntil(
    events.then((budget) =>
      emitEvents(g.env, g.tenant.orgId, [
        {
          type: "transaction.approved",
          data: { ...callFields(tx), amount: moneyOf(tx), reservationId: tx.id, shadow: tx.shadow },
        },
        ...budget,
      ]),
    ),
  );
}

type CommittedTx = Pick<TxRecord, "id" | "agentId" | "sessionId" | "upstreamId" | "tool" | "vendor"> & {
  amount: Money;
  walletId?: string | null;
};

/**
 * A committed (or committed-unconfirmed) payment goes to the org's anomaly watch when the org turned
 * an alert on; after the answer, and a watch that fails is logged, never felt by the payment.
 */
export function watchPayment(g: GatewayCtx, tx: CommittedTx, unconfirmed: boolean): void {
  const alerts = g.tenant.alerts;
  if (!tx.amount || !alerts || !alertsEnabled(alerts)) return;
  const payment = {
    transactionId: tx.id,
    agentId: tx.agentId,
    sessionId: tx.sessionId,
    upstreamId: tx.upstreamId || null,
    // Bounded here, so an oversized name (a resource URI the agent chose) cannot get the payment refused
    // by the object's input check and so go unwatched.
    tool: tx.tool === null ? null : tx.tool.slice(0, 500),
    payee: tx.vendor === null ? null : payeeKey(tx.vendor),
    amount: tx.amount,
    unconfirmed,
  };
  g.exec.waitUntil(observePayment(g.env, g.tenant.orgId, payment, alerts));
}

export function notifyCommitted(
  g: GatewayCtx,
  tx: CommittedTx,
  receiptRef: string | null,
  unconfirmed: boolean,
): void {
  if (!tx.amount) return;
  watchPayment(g, tx, unconfirmed);
  emit(g, [
    {
      type: "transaction.committed",
      data: {
        transactionId: tx.id,
        agentId: tx.agentId,
        sessionId: tx.sessionId,
        upstreamId: tx.upstreamId || null,
        tool: tx.tool,
        vendor: tx.vendor,
        amount: tx.amount,
        reservationId: tx.id,
        receiptRef,
        unconfirmed,
        walletId: tx.walletId ?? null,
      },
    },
  ]);
}

async function budgetEvents(g: GatewayCtx, lines: ScopeLine[], balances: Balance[]): Promise<EventInput[]> {
  const out: EventInput[] = [];
  for (const line of lines) {
    if (line.kind !== "money") continue;
    const b = balances.find((x) => x.key === line.key);
    if (!b) continue;
    const after = BigInt(b.committed) + BigInt(b.reserved);
    const crossing = budgetThresholdCrossings({
      limit: b.limit,
      before: after - BigInt(line.amount),
      after,
      thresholdPercent: g.tenant.warningThreshold,
    });
    if (!crossing.warning && !crossing.exhausted) continue;
    const unit = parseMoneyUnit(b.unit);
    const scope = {
      mandateId: null,
      agentId: line.key.startsWith("a:") ? g.tenant.agent.id : null,
      scopeKey: b.key.slice(0, 200),
      label: b.label.slice(0, 200),
      window: b.window,
      windowStart: b.windowStart ? new Date(b.windowStart).toISOString() : null,
      windowEnd: b.windowEnd ? new Date(b.windowEnd).toISOString() : null,
      kind: "money" as const,
      currency: unit?.currency ?? b.unit,
      decimals: unit?.decimals ?? 0,
      limit: b.limit,
      used: after.toString(),
    };
    const windowId = (await sha256Hex(`${b.key}|${b.windowStart ?? "all"}`)).slice(0, 40);
    if (crossing.warning) {
      out.push({
        type: "mandate.budget.warning",
        id: `evt_warn_${windowId}`,
        data: { ...scope, thresholdPercent: g.tenant.warningThreshold },
      });
    }
    if (crossing.exhausted)
      out.push({ type: "mandate.budget.exhausted", id: `evt_exh_${windowId}`, data: scope });
  }
  return out;
}
