// The paid retry: a request carrying a payment credential. It must be the call a reservation was
// made for (same agent, tool, arguments, session) and its credential must pay exactly the bound
// offer's terms, or it never reaches the upstream. Once claimed, the hold outlives a slow settlement,
// the forward runs detached from the client (a disconnect cannot lose the settlement), and the
// upstream's answer settles the reservation by what it proves.

import { type Credential, classifyPaidResponse, detectPaymentRequired } from "../payments";
import type { JsonRpcId, JsonRpcResponse } from "../protocol/jsonrpc";
import { mayAskClient, readAsking } from "./ask-client";
import type { CallTarget } from "./call-target";
import type { GatewayCtx } from "./context";
import { denialError } from "./denial";
import { extendHold } from "./ledger-calls";
import {
  type Claimed,
  claimHold,
  paymentEntry,
  settleOutcome,
  settleUnanswered,
  walletRefused,
} from "./paid-settle";
import { priced } from "./priced";
import { withReceipt } from "./receipt-meta";
import { detached, Relay } from "./relay";
import { answer, type Emit } from "./respond";
import { type Answered, send, upstreamError } from "./upstream-call";

export async function paidRetry(
  g: GatewayCtx,
  id: JsonRpcId,
  target: CallTarget,
  credential: Credential,
): Promise<Response> {
  const relay = new Relay();
  const run = detached(g, id, "paid retry", settledRetry(g, id, target, credential, relay));
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
  return detached(g, id, "payment", settledRetry(g, id, target, credential, relay, { payer: true }));
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
  const keepAlive = (ttlMs: number) => extendHold(g, claim.hold.reservationId, ttlMs);
  const reply = await exchange(g, id, target, relay, keepAlive);
  if (!reply.ok) {
    const { reached, code } = reply.failure;
    await settleUnanswered(
      g,
      claim.hold,
      reached,
      code === "upstream_blocked_url" ? "blocked_url" : "upstream_http_4xx",
    );
    return upstreamError(id, target, reply.failure);
  }
  return settleByAnswer(g, id, target, claim.hold, reply.message, mode);
}

/**
 * The forward of a claimed retry: detached from the client, its events relayed as they come. A 2026
 * upstream that asks for input after the payment is answered through the client (ask-client.ts); the
 * claimed hold is kept alive meanwhile, and the final answer settles it.
 */
async function exchange(
  g: GatewayCtx,
  id: JsonRpcId,
  target: CallTarget,
  relay: Relay,
  keepAlive: (ttlMs: number) => Promise<void>,
): Promise<Answered> {
  const sent = await send(g, target, true);
  relay.streamed(sent.ok && (sent.sse || mayAskClient(g, target)));
  if (!sent.ok) return sent;
  return readAsking(g, target, sent.response, id, {
    emit: relay.emit,
    streamed: mayAskClient(g, target),
    keepAlive,
  });
}

/** The upstream answered: its receipt, refusal or silence decides what the hold becomes. */
async function settleByAnswer(
  g: GatewayCtx,
  id: JsonRpcId,
  target: CallTarget,
  hold: Claimed,
  message: JsonRpcResponse,
  mode: RetryMode,
): Promise<unknown> {
  const { call } = target;
  const settled = await settleOutcome(g, call, hold, classifyPaidResponse(message));
  if (settled.kind !== "refused") {
    const paid = mode.payer ? withPayment(message, paymentEntry(hold, settled)) : message;
    return withReceipt(paid, hold.reservationId);
  }
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

/** The result as the upstream sent it, plus what Tollgate paid for it under `_meta["tollgate/payment"]`. */
function withPayment(message: JsonRpcResponse, payment: ReturnType<typeof paymentEntry>): JsonRpcResponse {
  if (!("result" in message) || message.result === null || typeof message.result !== "object") return message;
  const result = message.result as { _meta?: Record<string, unknown> };
  return {
    ...message,
    result: { ...result, _meta: { ...(result._meta ?? {}), "tollgate/payment": payment } },
  };
}
