// Every request that can cost money takes this path: a credential means a paid retry; otherwise the
// call is (for tools/call) judged before forwarding, sent, and its answer read. An answer asking for
// payment is priced, judged and reserved before the challenge reaches the agent; any other answer
// settles the pre-call hold.

import { newId } from "../db/client";
import { credentialCount, detectPaymentRequired, extractCredential } from "../payments";
import type { JsonRpcRequest } from "../protocol/jsonrpc";
import { legacyMrtrRefusal, mayAskClient, readAsking } from "./ask-client";
import { beforeForward, type Cleared, type Reached, settleBefore } from "./before-forward";
import type { CallTarget } from "./call-target";
import type { GatewayCtx } from "./context";
import type { Denial } from "./denial";
import { extendHold } from "./ledger-calls";
import { applyInputs } from "./mrtr";
import { paidRetry } from "./paid-retry";
import { priced } from "./priced";
import { withReceipt } from "./receipt-meta";
import { refuse } from "./refuse";
import { answer, jsonResponse } from "./respond";
import { tollgatePays } from "./tollgate-pays";
import { failedAnswer, send, upstreamError } from "./upstream-call";

export type MeterOptions = {
  /** Judge the call before forwarding (tools/call); other methods are judged once a price appears. */
  judgeFirst: boolean;
};

export async function meteredCall(
  g: GatewayCtx,
  req: JsonRpcRequest,
  target: CallTarget,
  opts: MeterOptions,
): Promise<Response> {
  const { call } = target;
  // An MRTR retry's answer is checked and applied before anything else (modern clients only).
  // (A 2025 client's own MRTR fields are refused: only the gateway sends them to a 2026 upstream.)
  const badInputs = (await applyInputs(g, req.id, target)) ?? legacyMrtrRefusal(g, req);
  if (badInputs) return jsonResponse(badInputs);
  const credentials = credentialCount(req);
  if (credentials > 0) {
    const credential = credentials === 1 ? extractCredential(req) : null;
    const refused = credentialRefusal(g, credentials, credential);
    if (refused === null && credential) return paidRetry(g, req.id, target, credential);
    const denial: Denial = { ...refused!, source: "gateway", transactionId: call.txId };
    return jsonResponse(await refuse(g, req.id, call, { denial, kind: "payment" }));
  }

  let cleared: Cleared | null = null;
  if (opts.judgeFirst) {
    const before = await beforeForward(g, req.id, target);
    if (!before.ok) return jsonResponse(before.answer);
    cleared = before;
  }
  // Other methods hold nothing before the price is known, and leave no row for unpaid requests.
  const settleHold = (how: Reached, code: string | null = null) =>
    cleared ? settleBefore(g, target, cleared, how, code) : Promise.resolve();
  const sent = await send(g, target);
  if (!sent.ok) {
    await settleHold(sent.failure.reached ? "failed" : "not_sent", sent.failure.code);
    return jsonResponse(upstreamError(req.id, target, sent.failure));
  }
  // A client that may be asked inline gets a stream, so an approval question can reach it.
  // So does a 2025 client of a 2026 upstream that may ask it something (ask-client.ts).
  const streamed =
    sent.sse ||
    (g.tenant.inlineApprovals && g.session?.e === true && g.acceptsSse) ||
    mayAskClient(g, target);
  return answer(
    streamed,
    async (emit) => {
      const holdId = cleared?.holdId;
      const keepAlive = holdId ? (ttl: number) => extendHold(g, holdId, ttl) : undefined;
      const reply = await readAsking(g, target, sent.response, req.id, { emit, streamed, keepAlive });
      if (!reply.ok) {
        await settleHold(reply.failure.reached ? "failed" : "not_sent", reply.failure.code);
        return upstreamError(req.id, target, reply.failure);
      }
      const payment = detectPaymentRequired(reply.message);
      if (!payment) {
        const failed = failedAnswer(reply.message);
        await settleHold(failed ? "failed" : "success", failed ? "tool_error" : null);
        return cleared ? withReceipt(reply.message, target.call.txId) : reply.message;
      }
      // The attempt counts against rate limits; a configured estimate is replaced by the real price.
      await settleHold("priced");
      const call = cleared?.estimate ? { ...target.call, txId: newId("tx") } : target.call;
      const p = {
        id: req.id,
        call,
        vendorDefault: target.upstream.namespace,
        challenge: { payment, message: reply.message },
        emit: streamed ? emit : undefined,
      };
      const payer = g.tenant.payer;
      return payer.mode === "tollgate-pays"
        ? tollgatePays(g, p, { ...target, call }, payer.wallet)
        : priced(g, p);
    },
    undefined,
    req.id,
  );
}

/** Why a request's credentials may not be forwarded, or null for exactly one readable one. */
function credentialRefusal(
  g: GatewayCtx,
  count: number,
  credential: unknown,
): Pick<Denial, "reason" | "message"> | null {
  // Tollgate is a tollgate-pays agent's only payer: a credential of its own would be a second payer.
  if (g.tenant.payer.mode === "tollgate-pays")
    return {
      reason: "credential_not_allowed",
      message:
        "this agent's payments are made by Tollgate; a credential sent by the agent is refused and was not forwarded.",
    };
  // Two credentials could pay twice, and one we cannot read could move money unbudgeted.
  if (count > 1)
    return {
      reason: "multiple_credentials",
      message:
        "the request carries more than one payment credential; send exactly one. It was not forwarded.",
    };
  if (!credential)
    return {
      reason: "unknown_challenge",
      message: "the payment credential could not be read, so it was not forwarded.",
    };
  return null;
}
