// The paid retry: a request carrying a payment credential. It must be the call a reservation was
// made for (same agent, tool, arguments, session) and its credential must pay exactly the bound
// offer's terms, or it never reaches the upstream. Once claimed, the hold outlives a slow settlement,
// the forward runs detached from the client (a disconnect cannot lose the settlement), and the
// upstream's answer settles the reservation by what it proves.
import { ledger } from "../ledger/client";
import type { ClaimRefusal } from "../ledger/results";
import type { PaidAmount } from "../ledger/types";
import {
  type Credential,
  classifyPaidResponse,
  detectPaymentRequired,
  type Offer,
  parseOfferTerms,
} from "../payments";
import { type JsonRpcId, type JsonRpcResponse, RPC, rpcError } from "../protocol/jsonrpc";
import { type CallInfo, txRecord } from "./call-record";
import type { CallTarget } from "./call-target";
import { CLAIM_DENIAL } from "./claim-denials";
import type { GatewayCtx } from "./context";
import { type Denial, denialError } from "./denial";
import { record, type Settlement, settle, unavailable } from "./ledger-calls";
import { notifyCommitted } from "./notify";
import { priced } from "./priced";
import { Relay } from "./relay";
import { answer, type Emit } from "./respond";
import { type Answered, read, send, upstreamError } from "./upstream-call";

/** A claimed hold lives this long past the upstream timeout, so a slow settlement still finds it. */
const CLAIM_MARGIN_MS = 60_000;

export async function paidRetry(
  g: GatewayCtx,
  id: JsonRpcId,
  target: CallTarget,
  credential: Credential,
): Promise<Response> {
  const relay = new Relay();
  // A fault after the claim leaves the hold to its expiry, which commits it unconfirmed.
  const run = settledRetry(g, id, target, credential, relay).catch((err: unknown) => {
    console.error("paid retry failed", err instanceof Error ? err.message : "error");
    return rpcError(
      id,
      RPC.INTERNAL_ERROR,
      "The paid retry failed inside the gateway; it is counted as paid.",
    );
  });
  g.exec.waitUntil(run);
  const sse = await Promise.race([relay.sse, run.then(() => false)]);
  return answer(
    sse,
    async (emit) => {
      relay.attach(emit);
      return run;
    },
    undefined,
    id,
  );
}

/**
 * Tollgate's own paid retry (tollgate-pays): the same claim and settlement as an agent's, detached
 * from the client, with the upstream's events relayed on `emit` when the answer is a stream. A
 * refusal is not re-priced: the agent never sees a challenge, and one call pays at most once.
 */
export async function walletRetry(
  g: GatewayCtx,
  id: JsonRpcId,
  target: CallTarget,
  credential: Credential,
  emit: Emit | undefined,
): Promise<unknown> {
  const relay = new Relay();
  if (emit) relay.attach(emit);
  const run = settledRetry(g, id, target, credential, relay, { payer: true }).catch((err: unknown) => {
    console.error("wallet payment failed", err instanceof Error ? err.message : "error");
    return rpcError(id, RPC.INTERNAL_ERROR, "The payment failed inside the gateway; it is counted as paid.");
  });
  g.exec.waitUntil(run);
  return run;
}

type RetryMode = { payer: boolean };

async function settledRetry(
  g: GatewayCtx,
  id: JsonRpcId,
  target: CallTarget,
  credential: Credential,
  relay: Relay,
  mode: RetryMode = { payer: false },
): Promise<unknown> {
  const claim = await claimHold(g, id, target.call, credential);
  if (!claim.ok) return claim.answer;
  const hold: Held = { ...claim.hold, offer: parseOfferTerms(claim.hold.terms) };
  const reply = await exchange(g, id, target, relay);
  if (!reply.ok) {
    // Nothing left for a refused URL or an HTTP 4xx; otherwise the credential may have been taken.
    await settle(
      g,
      hold.reservationId,
      reply.failure.reached
        ? { commit: true, unconfirmed: true, ...paidAmount(hold.offer, null) }
        : {
            commit: false,
            reason: reply.failure.code === "upstream_blocked_url" ? "blocked_url" : "upstream_http_4xx",
          },
    );
    return upstreamError(id, target, reply.failure);
  }
  return settleByAnswer(g, id, target, hold, reply.message, mode);
}

type Held = { reservationId: string; lines: ClaimedLine[]; offer: Offer | null };
type ClaimedLine = { key: string; unit: string; kind: "money" | "count"; amount: string };

/** Claims the hold this credential pays, or answers with the denial (recorded) when it may not. */
async function claimHold(
  g: GatewayCtx,
  id: JsonRpcId,
  call: CallInfo,
  credential: Credential,
): Promise<
  | { ok: true; hold: { reservationId: string; lines: ClaimedLine[]; terms: string } }
  | { ok: false; answer: unknown }
> {
  const offerKey = credential.protocol === "mpp" ? credential.challengeId : credential.offerKey;
  if (!offerKey) return { ok: false, answer: await claimRefused(g, id, call, "unknown", undefined) };
  const claimed = await ledger(g.env, g.tenant.orgId).claim({
    offerKey,
    tool: call.tool,
    agentId: g.tenant.agent.id,
    argsHash: call.argsHash,
    sessionId: g.session?.n ?? null,
    credential,
    holdMs: g.timeoutMs + CLAIM_MARGIN_MS,
    now: Date.now(),
  });
  if (!claimed.ok) return { ok: false, answer: denialError(id, unavailable(call.txId)) };
  const c = claimed.value;
  if (!c.ok) return { ok: false, answer: await claimRefused(g, id, call, c.reason, c.detail) };
  return { ok: true, hold: { reservationId: c.reservationId, lines: c.lines, terms: c.terms } };
}

async function claimRefused(
  g: GatewayCtx,
  id: JsonRpcId,
  call: CallInfo,
  reason: ClaimRefusal,
  detail: string | undefined,
): Promise<unknown> {
  const refusal = CLAIM_DENIAL[reason];
  const denial: Denial = {
    reason: refusal.reason,
    message: `${refusal.message}${detail ? `: ${detail}.` : ""} It was not forwarded.`,
    source: "gateway",
    transactionId: call.txId,
  };
  const facts = { kind: "payment", decision: "deny", status: "denied" } as const;
  await record(g, txRecord(g, call, { ...facts, reasonCode: denial.reason, reason: denial.message }));
  return denialError(id, denial);
}

/** The forward of a claimed retry: detached from the client, its events relayed as they come. */
async function exchange(g: GatewayCtx, id: JsonRpcId, target: CallTarget, relay: Relay): Promise<Answered> {
  const sent = await send(g, target, true);
  relay.streamed(sent.ok && sent.sse);
  if (!sent.ok) return sent;
  return read(target, sent.response, id, relay.emit);
}

/** The upstream answered: its receipt, refusal or silence decides what the hold becomes. */
async function settleByAnswer(
  g: GatewayCtx,
  id: JsonRpcId,
  target: CallTarget,
  hold: Held,
  message: JsonRpcResponse,
  mode: RetryMode,
): Promise<unknown> {
  const { call } = target;
  const outcome = classifyPaidResponse(message);
  switch (outcome.kind) {
    case "receipt": {
      const paid = paidAmount(hold.offer, outcome.settledAmount);
      const how: Settlement = {
        commit: true,
        receiptRef: outcome.reference,
        ...actualAmounts(hold.lines, paid.paid ?? null),
        ...paid,
      };
      await settle(g, hold.reservationId, how);
      committed(g, {
        call,
        hold,
        paid: paid.paid ?? null,
        receiptRef: outcome.reference,
        unconfirmed: false,
      });
      return mode.payer ? withPayment(message, hold, paid.paid ?? null, "committed") : message;
    }
    case "refused": {
      await settle(g, hold.reservationId, { commit: false, reason: "credential_refused" });
      if (mode.payer) return denialError(id, walletRefused(call));
      // A refusal with fresh challenges is a new price to budget, like the first one.
      const fresh = detectPaymentRequired(message);
      return fresh
        ? priced(g, {
            id,
            call: { ...call },
            vendorDefault: target.upstream.namespace,
            challenge: { payment: fresh, message },
          })
        : message;
    }
    case "maybe_paid":
    case "unpaid_success": {
      const paid = paidAmount(hold.offer, null);
      await settle(g, hold.reservationId, { commit: true, unconfirmed: true, ...paid });
      committed(g, { call, hold, paid: paid.paid ?? null, receiptRef: null, unconfirmed: true });
      return mode.payer ? withPayment(message, hold, paid.paid ?? null, "unconfirmed") : message;
    }
  }
}

function walletRefused(call: CallInfo): Denial {
  return {
    reason: "payment_refused",
    message: "the upstream refused the wallet's payment; nothing was charged. The call was not retried.",
    source: "gateway",
    transactionId: call.txId,
  };
}

/** The result as the upstream sent it, plus what Tollgate paid for it under `_meta["tollgate/payment"]`. */
function withPayment(
  message: JsonRpcResponse,
  hold: Held,
  paid: PaidAmount | null,
  status: "committed" | "unconfirmed",
): JsonRpcResponse {
  if (!("result" in message) || message.result === null || typeof message.result !== "object") return message;
  const result = message.result as { _meta?: Record<string, unknown> };
  const payment = { paidBy: "tollgate", transactionId: hold.reservationId, amount: paid, status };
  return {
    ...message,
    result: { ...result, _meta: { ...(result._meta ?? {}), "tollgate/payment": payment } },
  };
}

/**
 * What the credential paid: the bound offer's price, or x402's settled amount (at most the offer's:
 * an `upto` authorization cannot settle more, whatever the upstream reports).
 */
function paidAmount(offer: Offer | null, settled: bigint | null): { paid?: PaidAmount } {
  if (!offer?.currency || offer.decimals === null) return {};
  const amount = settled !== null && settled < offer.amount ? settled : offer.amount;
  return { paid: { amount: amount.toString(), currency: offer.currency, decimals: offer.decimals } };
}

/**
 * Lines in the paid offer's own unit are charged what was paid (the agent may pay a cheaper
 * alternative than the most expensive one reserved, or an `upto` may settle less), never above
 * what was reserved.
 */
function actualAmounts(
  lines: ClaimedLine[],
  paid: PaidAmount | null,
): { actualAmounts?: Record<string, string> } {
  if (!paid) return {};
  const unit = `${paid.currency}/${paid.decimals}`;
  const out: Record<string, string> = {};
  for (const line of lines) {
    if (line.kind !== "money" || line.unit !== unit) continue;
    if (BigInt(paid.amount) < BigInt(line.amount)) out[line.key] = paid.amount;
  }
  return Object.keys(out).length > 0 ? { actualAmounts: out } : {};
}

/** The transaction.committed webhook, priced by what was paid. */
function committed(
  g: GatewayCtx,
  c: { call: CallInfo; hold: Held; paid: PaidAmount | null; receiptRef: string | null; unconfirmed: boolean },
): void {
  notifyCommitted(
    g,
    {
      id: c.hold.reservationId,
      agentId: g.tenant.agent.id,
      sessionId: g.session?.n ?? null,
      upstreamId: c.call.upstreamId,
      tool: c.call.tool,
      vendor: c.hold.offer?.recipient ?? null,
      amount: c.paid,
      walletId: g.tenant.payer.mode === "tollgate-pays" ? (g.tenant.payer.wallet?.id ?? null) : null,
    },
    c.receiptRef,
    c.unconfirmed,
  );
}
