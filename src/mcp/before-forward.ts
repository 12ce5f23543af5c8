// The tools/call phase before anything reaches the upstream: the policy and mandate without a price
// (hidden tools, default deny, rules on arguments, rate limits, counters, approvals), then a hold for
// rate-limit counters and any configured price. The hold is settled by what the upstream did.
import type { Decision } from "../policy";
import type { JsonRpcId } from "../protocol/jsonrpc";
import { approvalGate } from "./approval-gate";
import { type CallInfo, txRecord } from "./call-record";
import type { CallTarget } from "./call-target";
import type { GatewayCtx } from "./context";
import { evaluateCall, type PriceIn, policyDenial } from "./decide";
import type { Denial } from "./denial";
import { commitAfterAnswer, record, reserveLines, settle } from "./ledger-calls";
import { watchPayment } from "./notify";
import { priceFields, refuse } from "./refuse";

/** How long a pre-call hold (rate-limit counters, estimated price) may outlive the upstream timeout. */
const HOLD_MARGIN_MS = 30_000;

export type Cleared = {
  decision: Decision;
  estimate: PriceIn;
  holdId: string | null;
  /** The idempotency_window hold of this call, released if the call fails. */
  dedupeId: string | null;
};
export type Before = ({ ok: true } & Cleared) | { ok: false; answer: unknown };

export async function beforeForward(g: GatewayCtx, id: JsonRpcId, target: CallTarget): Promise<Before> {
  const { upstream } = target;
  const configured = target.upstreamTool === null ? undefined : upstream.toolPrices[target.upstreamTool];
  const estimate: PriceIn = configured
    ? { amount: BigInt(configured.amount), currency: configured.currency, decimals: configured.decimals }
    : null;
  return clearCall(g, id, target.call, { estimate, vendor: upstream.namespace });
}

/**
 * The judgment and holds before a request leaves, for any call: an upstream's tools/call, or
 * tollgate_fetch (vendor: the URL's host). A refusal is recorded and answered with the denial.
 */
export async function clearCall(
  g: GatewayCtx,
  id: JsonRpcId,
  call: CallInfo,
  j: { estimate: PriceIn; vendor: string },
): Promise<Before> {
  const { estimate, vendor } = j;
  const now = Date.now();
  const first = evaluateCall(g, call, { price: estimate, vendor, now });
  const gate = await approvalGate(g, { call, decision: first, price: estimate, vendor, now });
  if (!gate.proceed)
    return {
      ok: false,
      answer: await refuse(g, id, call, { denial: gate.denial, decision: first, price: estimate }),
    };
  const decision = gate.decision;
  call.approval = gate.approval;
  const refused = policyDenial(decision, estimate, call.txId);
  if (refused)
    return { ok: false, answer: await refuse(g, id, call, { denial: refused, decision, price: estimate }) };

  const dedupe = await holdAgainstDuplicates(g, call, decision);
  if (!dedupe.ok)
    return {
      ok: false,
      answer: await refuse(g, id, call, { denial: dedupe.denial, decision, price: estimate }),
    };
  const dedupeId = dedupe.reservationId;

  // Rate-limit counters always; every line for a configured-price tool.
  const lines = estimate ? decision.scopes : decision.scopes.filter((l) => l.kind === "count");
  if (lines.length === 0 && !estimate) return { ok: true, decision, estimate, holdId: null, dedupeId };
  // A free call's counter hold is internal (audit: false): the call's own row is recorded after it.
  const holdTx = estimate
    ? txRecord(
        g,
        call,
        {
          kind: "estimate",
          decision: "allow",
          status: "reserved",
          ...priceFields(estimate, vendor),
        },
        decision,
      )
    : txRecord(
        g,
        { ...call, txId: `${call.txId}_hold` },
        { kind: "free", decision: "allow", status: "reserved" },
        decision,
      );
  const hold = await reserveLines(g, {
    txId: holdTx.id,
    lines,
    ttlMs: g.timeoutMs + HOLD_MARGIN_MS,
    price: estimate,
    tx: holdTx,
    audit: estimate !== null,
  });
  if (!hold.ok) {
    if (dedupeId) await settle(g, dedupeId, { commit: false, reason: "call_refused" });
    // An audited hold's refusal is recorded by the ledger itself; an internal one's is ours to record.
    const recorded =
      estimate !== null &&
      (hold.denial.reason === "budget_exceeded" || hold.denial.reason === "rate_limited");
    return {
      ok: false,
      answer: await refuse(g, id, call, { denial: hold.denial, decision, price: estimate, recorded }),
    };
  }
  return { ok: true, decision, estimate, holdId: hold.reservationId, dedupeId };
}

/**
 * idempotency_window: the same call (agent, tool, arguments) once per window. A hold on a per-call
 * line that only expiry frees: a second identical call inside the window finds the line full and is
 * refused. A call that failed releases it, so a failed action can be retried at once.
 */
async function holdAgainstDuplicates(
  g: GatewayCtx,
  call: CallInfo,
  decision: Decision,
): Promise<{ ok: true; reservationId: string | null } | { ok: false; denial: Denial }> {
  const windowMs = decision.idempotencyWindowMs;
  if (!windowMs) return { ok: true, reservationId: null };
  const txId = `${call.txId}_dedupe`;
  const hold = await reserveLines(g, {
    txId,
    lines: [
      {
        key: `dedupe:${g.tenant.agent.id}:${call.tool}:${call.argsHash}`.slice(0, 200),
        label: "idempotency window",
        window: "total",
        timeZone: "UTC",
        limit: "1",
        amount: "1",
        unit: "calls",
        kind: "count",
        message: `the same call with the same arguments already ran within its idempotency window (${Math.round(windowMs / 1000)} s).`,
      },
    ],
    ttlMs: Math.min(Math.max(windowMs, 1_000), 86_400_000),
    tx: txRecord(g, { ...call, txId }, { kind: "free", decision: "allow", status: "reserved" }, decision),
    audit: false,
  });
  if (hold.ok) return { ok: true, reservationId: hold.reservationId };
  if (hold.denial.reason !== "rate_limited") return { ok: false, denial: hold.denial };
  return {
    ok: false,
    denial: {
      ...hold.denial,
      reason: "duplicate_call",
      retryAfter: null,
      scope: null,
      rule: "idempotency window",
    },
  };
}

/**
 * What the upstream did settles the pre-call hold. Counters and rate limits count every attempt
 * that reached the upstream, failures included (a runaway agent retrying a failing tool must hit
 * its limit); an estimated price is charged only for a success, and is replaced by a real price.
 */
export type Reached = "not_sent" | "success" | "failed" | "priced";

export async function settleBefore(
  g: GatewayCtx,
  target: { call: CallInfo },
  c: Cleared,
  how: Reached,
  reasonCode: string | null = null,
): Promise<void> {
  if (c.dedupeId && (how === "failed" || how === "not_sent"))
    await settle(g, c.dedupeId, { commit: false, reason: "call_failed" });
  if (c.holdId) {
    if (how === "success") {
      commitAfterAnswer(g, c.holdId, { commit: true });
      if (c.estimate) watchEstimate(g, target.call, c.holdId, c.estimate);
    } else if (how === "not_sent")
      await settle(g, c.holdId, { commit: false, reason: "upstream_not_reached" });
    else
      await settle(g, c.holdId, {
        commit: false,
        reason: how === "priced" ? "real_price_seen" : "tool_failed",
        keepCounts: true,
      });
  }
  if (c.estimate || how === "priced") return;
  // A free call holds no budget: its audit row is written after the answer (off the hot path).
  const row = txRecord(
    g,
    target.call,
    { kind: "free", decision: "allow", status: "allowed", reasonCode },
    c.decision,
  );
  g.exec.waitUntil(record(g, row));
}

/** A configured price that committed is spend too: velocity counts it (no payee: the operator set the price). */
function watchEstimate(g: GatewayCtx, call: CallInfo, holdId: string, price: NonNullable<PriceIn>): void {
  const tx = {
    id: holdId,
    agentId: g.tenant.agent.id,
    sessionId: g.session?.n ?? null,
    upstreamId: call.upstreamId || null,
    tool: call.tool,
    vendor: null,
    amount: { amount: price.amount.toString(), currency: price.currency, decimals: price.decimals },
  };
  watchPayment(g, tx, false);
}
