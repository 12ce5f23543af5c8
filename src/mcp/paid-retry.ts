// The paid retry: the agent's tools/call carrying a payment credential. It must match a challenge
// this gateway reserved for (same tool, unexpired, unused) or it never reaches the upstream; the
// upstream's answer then settles the reservation by what it proves.
import { callLedger, ledgerFor } from "../ledger/client";
import { type Credential, classifyPaidResponse, detectPaymentRequired } from "../payments";
import { type CallInfo, txRecord } from "./call-record";
import type { ToolRoute } from "./catalog";
import { forwardOptions, type GatewayCtx } from "./context";
import { type Denial, denialError } from "./denial";
import { type JsonRpcRequest, RPC, rpcError } from "./jsonrpc";
import { record, settle, unavailable } from "./ledger-calls";
import { notifyCommitted } from "./notify";
import { paidOffer } from "./paid-offer";
import { answer, jsonResponse } from "./respond";
import { priced } from "./tools-call";
import { forward, readReply } from "./upstream";

const CLAIM_REASON = {
  unknown: "unknown_challenge",
  expired: "challenge_expired",
  used: "challenge_used",
  tool_mismatch: "tool_mismatch",
} as const;

const CLAIM_MESSAGE = {
  unknown: "the payment credential answers a challenge this gateway never issued a budget for.",
  expired: "the payment challenge has expired; call the tool again for a fresh one.",
  used: "this payment challenge was already used; call the tool again for a fresh one.",
  tool_mismatch: "the payment credential was issued for a different tool.",
} as const;

export async function paidRetry(
  g: GatewayCtx,
  req: JsonRpcRequest,
  route: ToolRoute,
  call: CallInfo,
  credential: Credential,
  upstreamBody: string,
): Promise<Response> {
  const offerKey = credential.protocol === "mpp" ? credential.challengeId : credential.offerKey;
  const claimed = offerKey
    ? await callLedger(() =>
        ledgerFor(g.env, g.tenant.orgId).claim({
          offerKey,
          tool: call.tool,
          agentId: g.tenant.agent.id,
          now: Date.now(),
        }),
      )
    : ({ ok: true, value: { ok: false, reason: "unknown" } } as const);
  type ClaimFailure = keyof typeof CLAIM_REASON;
  if (!claimed.ok) return jsonResponse(denialError(req.id, unavailable(call.txId)));
  if (!claimed.value.ok) {
    const reason = claimed.value.reason as ClaimFailure;
    const denial: Denial = {
      reason: CLAIM_REASON[reason],
      message: CLAIM_MESSAGE[reason],
      source: "gateway",
      transactionId: call.txId,
    };
    await record(
      g,
      txRecord(g, call, {
        kind: "payment",
        decision: "deny",
        status: "denied",
        reasonCode: denial.reason,
        reason: denial.message,
      }),
    );
    return jsonResponse(denialError(req.id, denial));
  }
  const { reservationId, lines } = claimed.value;

  const sent = await forward(route.upstream, upstreamBody, forwardOptions(g, route.upstream.id));
  if (!sent.ok) {
    // blocked_url: nothing was sent. Otherwise the credential may have reached the upstream.
    await settle(
      g,
      reservationId,
      sent.error === "blocked_url"
        ? { commit: false, reason: "blocked_url" }
        : { commit: true, unconfirmed: true },
    );
    return jsonResponse(
      rpcError(req.id, RPC.UPSTREAM_ERROR, `Upstream "${route.upstream.namespace}": ${sent.message}`),
    );
  }
  const streamed = (sent.response.headers.get("content-type") ?? "").includes("text/event-stream");
  return answer(streamed, async (emit) => {
    const reply = await readReply(sent.response, req.id, emit);
    if (!reply.ok) {
      // A 4xx means the request was refused before the tool ran; anything else may have charged.
      const refusedAtHttp = reply.error === "bad_status" && (reply.status ?? 500) < 500;
      await settle(
        g,
        reservationId,
        refusedAtHttp ? { commit: false, reason: "upstream_http_4xx" } : { commit: true, unconfirmed: true },
      );
      return rpcError(req.id, RPC.UPSTREAM_ERROR, `Upstream "${route.upstream.namespace}": ${reply.message}`);
    }
    const outcome = classifyPaidResponse(reply.message);
    switch (outcome.kind) {
      case "receipt": {
        const actual = actualAmounts(lines, credential, outcome.settledAmount);
        await settle(g, reservationId, {
          commit: true,
          receiptRef: outcome.reference,
          ...(actual ? { actualAmounts: actual } : {}),
        });
        committed(g, call, reservationId, credential, outcome.settledAmount, outcome.reference, false);
        return reply.message;
      }
      case "refused": {
        await settle(g, reservationId, { commit: false, reason: "credential_refused" });
        // A refusal with fresh challenges is a new price to budget, like the first one.
        const fresh = detectPaymentRequired(reply.message);
        return fresh ? priced(g, req, route, { ...call }, fresh, reply.message) : reply.message;
      }
      case "maybe_paid":
      case "unpaid_success":
        await settle(g, reservationId, { commit: true, unconfirmed: true });
        committed(g, call, reservationId, credential, null, null, true);
        return reply.message;
    }
  });
}

/** The transaction.committed webhook, priced by the offer the credential paid. */
function committed(
  g: GatewayCtx,
  call: CallInfo,
  reservationId: string,
  credential: Credential,
  settled: bigint | null,
  receiptRef: string | null,
  unconfirmed: boolean,
): void {
  const offer = paidOffer(credential);
  const amount =
    offer?.currency && offer.decimals !== null
      ? { amount: (settled ?? offer.amount).toString(), currency: offer.currency, decimals: offer.decimals }
      : null;
  notifyCommitted(
    g,
    {
      id: reservationId,
      agentId: g.tenant.agent.id,
      sessionId: g.session?.n ?? null,
      upstreamId: call.upstreamId,
      tool: call.tool,
      vendor: offer?.recipient ?? null,
      amount,
    },
    receiptRef,
    unconfirmed,
  );
}

/**
 * What was really paid: the x402 settled amount, else the price of the offer the credential echoes
 * (the agent may pay a cheaper alternative than the most expensive one reserved). Applied only to
 * money lines in that offer's own unit, and never above what was reserved.
 */
function actualAmounts(
  lines: { key: string; unit: string; kind: "money" | "count"; amount: string }[],
  credential: Credential,
  settled: bigint | null,
): Record<string, string> | null {
  const offer = paidOffer(credential);
  const amount = settled ?? offer?.amount ?? null;
  if (amount === null || !offer?.currency || offer.decimals === null) return null;
  const unit = `${offer.currency}/${offer.decimals}`;
  const out: Record<string, string> = {};
  for (const line of lines) {
    if (line.kind !== "money" || line.unit !== unit) continue;
    if (amount < BigInt(line.amount)) out[line.key] = amount.toString();
  }
  return Object.keys(out).length > 0 ? out : null;
}
