// The tools/call interceptor: policy before forwarding, the real price read from the upstream's
// payment challenge, a reservation before the challenge reaches the agent, and settlement of the
// paid retry by what the upstream's answer proves.
import { z } from "zod";
import { newId } from "../db/client";
import { callLedger, ledgerFor } from "../ledger/client";
import {
  detectPaymentRequired,
  extractCredential,
  hasPaymentCredential,
  type Offer,
  type PaymentRequired,
  priceToBudget,
} from "../payments";
import type { Decision } from "../policy";
import { approvalGate } from "./approval-gate";
import { type CallInfo, txRecord } from "./call-record";
import { routeTool, type ToolRoute } from "./catalog";
import { forwardOptions, type GatewayCtx } from "./context";
import { evaluateCall, type PriceIn, policyDenial } from "./decide";
import { type Denial, denialError } from "./denial";
import { type JsonRpcRequest, RPC, rpcError } from "./jsonrpc";
import { record, reserveLines, settle, unavailable } from "./ledger-calls";
import { coveredOffers, narrowChallenge } from "./narrow";
import { paidRetry } from "./paid-retry";
import { answer, type Emit, jsonResponse } from "./respond";
import { forward, readReply } from "./upstream";

const CallParams = z.looseObject({
  name: z.string().min(1),
  arguments: z.optional(z.record(z.string(), z.unknown())),
});

/** How long a pre-call hold (rate-limit counters, estimated price) may live. */
const HOLD_MARGIN_MS = 30_000;
/** Clock skew allowed around a challenge's expiry. */
const SKEW_MS = 30_000;

export async function toolsCall(g: GatewayCtx, req: JsonRpcRequest): Promise<Response> {
  const parsed = CallParams.safeParse(req.params);
  if (!parsed.success) {
    return jsonResponse(
      rpcError(
        req.id,
        RPC.INVALID_PARAMS,
        "tools/call needs params.name and an optional params.arguments object",
      ),
    );
  }
  const route = routeTool(g.tenant, parsed.data.name);
  if (!route) return jsonResponse(rpcError(req.id, RPC.INVALID_PARAMS, `Unknown tool: ${parsed.data.name}`));
  const call: CallInfo = {
    txId: newId("tx"),
    tool: parsed.data.name,
    upstreamId: route.upstream.id,
    args: parsed.data.arguments ?? {},
  };
  const upstreamBody = bodyFor(req, route);
  const credential = extractCredential(req);
  if (credential) return paidRetry(g, req, route, call, credential, upstreamBody);
  if (hasPaymentCredential(req)) {
    // A credential we cannot read could still move money unbudgeted: never forward it.
    const denial: Denial = {
      reason: "unknown_challenge",
      message: "the payment credential could not be read, so it was not forwarded.",
      source: "gateway",
      transactionId: call.txId,
    };
    return jsonResponse(await refuse(g, req, call, denial, null, null, false, "payment"));
  }

  const now = Date.now();
  const configured = route.upstream.toolPrices[route.upstreamTool];
  const estimate: PriceIn = configured
    ? { amount: BigInt(configured.amount), currency: configured.currency, decimals: configured.decimals }
    : null;
  const first = evaluateCall(g, call, estimate, route.upstream.namespace, now);
  const gate = await approvalGate(g, call, first, estimate, route.upstream.namespace, now);
  if (!gate.proceed) return jsonResponse(await refuse(g, req, call, gate.denial, first, estimate));
  const decision = gate.decision;
  call.approvalId = gate.approvalId;
  const refused = policyDenial(decision, estimate, call.txId);
  if (refused) return jsonResponse(await refuse(g, req, call, refused, decision, estimate));

  // Reserve before forwarding: rate-limit counters always, the estimate for configured-price tools.
  const lines = estimate ? decision.scopes : decision.scopes.filter((l) => l.kind === "count");
  let holdId: string | null = null;
  if (lines.length > 0 || estimate) {
    // A free call's counter hold is internal (audit: false): the call's own row is recorded below.
    const holdTx = estimate
      ? txRecord(
          g,
          call,
          {
            kind: "estimate",
            decision: "allow",
            status: "reserved",
            ...priceFields(estimate, route.upstream.namespace),
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
    if (!hold.ok)
      return jsonResponse(
        await refuse(
          g,
          req,
          call,
          hold.denial,
          decision,
          estimate,
          !hold.ok && hold.denial.reason === "budget_exceeded",
        ),
      );
    holdId = hold.reservationId;
  }

  const sent = await forward(route.upstream, upstreamBody, forwardOptions(g, route.upstream.id));
  if (!sent.ok) {
    if (holdId) await settle(g, holdId, { commit: false, reason: `upstream_${sent.error}` });
    if (!estimate)
      await record(
        g,
        txRecord(
          g,
          call,
          { kind: "free", decision: "allow", status: "allowed", reasonCode: `upstream_${sent.error}` },
          decision,
        ),
      );
    return jsonResponse(
      rpcError(req.id, RPC.UPSTREAM_ERROR, `Upstream "${route.upstream.namespace}": ${sent.message}`),
    );
  }
  // A client that can be asked inline gets a stream, so an approval question can reach it.
  const streamed =
    (sent.response.headers.get("content-type") ?? "").includes("text/event-stream") ||
    (g.session?.e === true && g.acceptsSse);
  return answer(streamed, async (emit) => {
    const reply = await readReply(sent.response, req.id, emit);
    if (!reply.ok) {
      if (holdId) await settle(g, holdId, { commit: false, reason: `upstream_${reply.error}` });
      if (!estimate)
        await record(
          g,
          txRecord(
            g,
            call,
            { kind: "free", decision: "allow", status: "allowed", reasonCode: `upstream_${reply.error}` },
            decision,
          ),
        );
      return rpcError(req.id, RPC.UPSTREAM_ERROR, `Upstream "${route.upstream.namespace}": ${reply.message}`);
    }
    const payment = detectPaymentRequired(reply.message);
    if (!payment) {
      const failed =
        "error" in reply.message || (reply.message.result as { isError?: unknown } | null)?.isError === true;
      // Estimated prices release on any failure (as Cycles does); counters are kept for successes.
      if (holdId)
        await settle(g, holdId, failed ? { commit: false, reason: "tool_failed" } : { commit: true });
      // A free call holds no budget, so its audit row is written after the answer (off the hot path).
      if (!estimate)
        g.exec.waitUntil(
          record(
            g,
            txRecord(
              g,
              call,
              {
                kind: "free",
                decision: "allow",
                status: "allowed",
                reasonCode: failed ? "tool_error" : null,
              },
              decision,
            ),
          ),
        );
      return reply.message;
    }
    // The call asked for payment: the attempt counts against rate limits; a configured estimate is
    // replaced by the real price.
    if (holdId)
      await settle(g, holdId, estimate ? { commit: false, reason: "real_price_seen" } : { commit: true });
    const finalCall = estimate ? { ...call, txId: newId("tx") } : call;
    return priced(g, req, route, finalCall, payment, reply.message, streamed ? emit : undefined);
  });
}

/**
 * The upstream asked for payment. Budget the most expensive offer the agent could pay, evaluate
 * the policy with the real price, and reserve before the challenge reaches the agent.
 */
export async function priced(
  g: GatewayCtx,
  req: JsonRpcRequest,
  route: ToolRoute,
  call: CallInfo,
  payment: PaymentRequired,
  challenge: unknown,
  emit?: Emit,
): Promise<unknown> {
  const now = Date.now();
  const chosen = priceToBudget(payment, now);
  if (!chosen.ok) {
    const denial: Denial = {
      reason: chosen.code === "expired" ? "challenge_expired" : "price_unknown",
      message: chosen.message,
      source: "gateway",
      transactionId: call.txId,
    };
    return refuse(g, req, call, denial, null, null, false, "payment");
  }
  const offer = chosen.offer;
  const price = { amount: offer.amount, currency: offer.currency!, decimals: offer.decimals! };
  const vendor = offer.recipient ?? offer.realm ?? route.upstream.namespace;
  const first = evaluateCall(g, call, price, vendor, now, Boolean(call.approvalId));
  const gate = await approvalGate(g, call, first, price, vendor, now, emit);
  if (!gate.proceed) return refuse(g, req, call, gate.denial, first, price, false, "payment", vendor);
  const decision = gate.decision;
  call.approvalId = gate.approvalId;
  const refused = policyDenial(decision, price, call.txId);
  if (refused) return refuse(g, req, call, refused, decision, price, false, "payment", vendor);
  if (gate.holdId) return bindHold(g, req, call, gate.holdId, payment, offer, challenge);

  // Only offers this reservation covers can be paid through it; others are refused at the retry.
  const covered = coveredOffers(payment, offer);
  const expiresAt = offer.expiresAt ?? now + (offer.maxTimeoutSeconds ?? 300) * 1000;
  const ttlMs = Math.min(Math.max(expiresAt - now + SKEW_MS, 1_000), 86_400_000);
  const hold = await reserveLines(g, {
    txId: call.txId,
    lines: decision.scopes.filter((l) => l.kind === "money"),
    ttlMs,
    price,
    tx: txRecord(
      g,
      call,
      {
        kind: "payment",
        decision: "allow",
        status: "reserved",
        ...priceFields(price, vendor),
        challengeId: offer.protocol === "mpp" ? offer.offerKey : null,
      },
      decision,
    ),
    bind: { offerKeys: covered.map((o) => o.offerKey), tool: call.tool, agentId: g.tenant.agent.id },
  });
  if (!hold.ok)
    return refuse(
      g,
      req,
      call,
      hold.denial,
      decision,
      price,
      hold.denial.reason === "budget_exceeded",
      "payment",
      vendor,
    );
  return narrowChallenge(challenge, new Set(covered.map((o) => o.offerKey)));
}

/** An approved price is already held: bind this challenge's offers to the hold instead of reserving. */
async function bindHold(
  g: GatewayCtx,
  req: JsonRpcRequest,
  call: CallInfo,
  holdId: string,
  payment: PaymentRequired,
  offer: Offer,
  challenge: unknown,
): Promise<unknown> {
  const covered = coveredOffers(payment, offer);
  const r = await callLedger(() =>
    ledgerFor(g.env, g.tenant.orgId).attachOffers({
      reservationId: holdId,
      bind: { offerKeys: covered.map((o) => o.offerKey), tool: call.tool, agentId: g.tenant.agent.id },
      now: Date.now(),
    }),
  );
  if (!r.ok) return denialError(req.id, unavailable(call.txId));
  if (!r.value.ok) {
    const denial: Denial = {
      reason: "approval_expired",
      message: "the budget held for this approval is no longer available; call again to ask anew.",
      source: "gateway",
      ...(call.approvalId ? { approvalId: call.approvalId } : {}),
      transactionId: holdId,
    };
    return refuse(g, req, call, denial, null, null, false, "payment");
  }
  return narrowChallenge(challenge, new Set(covered.map((o) => o.offerKey)));
}

/** Records the refusal (unless the ledger already did) and builds the agent's error. */
async function refuse(
  g: GatewayCtx,
  req: JsonRpcRequest,
  call: CallInfo,
  denial: Denial,
  decision: Decision | null,
  price: PriceIn,
  ledgerRecorded = false,
  kind: "payment" | "free" | "estimate" = price ? "estimate" : "free",
  vendor: string | null = null,
): Promise<unknown> {
  if (!ledgerRecorded && denial.reason !== "ledger_unavailable") {
    const status = denial.reason === "approval_required" ? "pending_approval" : "denied";
    const approvalId = denial.approvalId ?? null;
    await record(
      g,
      txRecord(
        g,
        call,
        {
          kind,
          decision: denial.reason === "approval_required" ? "require_approval" : "deny",
          status,
          reasonCode: denial.reason,
          reason: denial.message,
          approvalId,
          ...(price ? priceFields(price, vendor) : {}),
        },
        decision,
      ),
    );
  }
  return denialError(req.id, denial);
}

export function priceFields(price: NonNullable<PriceIn>, vendor: string | null) {
  return { amount: price.amount.toString(), currency: price.currency, decimals: price.decimals, vendor };
}

function bodyFor(req: JsonRpcRequest, route: ToolRoute): string {
  const params = req.params as Record<string, unknown>;
  return JSON.stringify(
    params.name === route.upstreamTool ? req : { ...req, params: { ...params, name: route.upstreamTool } },
  );
}
