// The paid retry: a request carrying a payment credential. It must be the call a reservation was
// made for (same agent, tool, arguments, session) and its credential must pay exactly the bound
// offer's terms, or it never reaches the upstream. Once claimed, the hold outlives a slow settlement,
// the forward runs detached from the client (a disconnect cannot lose the settlement), and the
// upstream's answer settles the reservation by what it proves.
import { callLedger, ledgerFor } from "../ledger/client";
import type { ClaimRefusal } from "../ledger/results";
import type { PaidAmount } from "../ledger/types";
import {
  type Credential,
  classifyPaidResponse,
  detectPaymentRequired,
  type Offer,
  parseOfferTerms,
} from "../payments";
import { type JsonRpcId, RPC, rpcError } from "../protocol/jsonrpc";
import { type CallInfo, txRecord } from "./call-record";
import type { CallTarget } from "./call-target";
import type { GatewayCtx } from "./context";
import { type Denial, type DenialReason, denialError } from "./denial";
import { record, type Settlement, settle, unavailable } from "./ledger-calls";
import { notifyCommitted } from "./notify";
import { priced } from "./priced";
import { Relay } from "./relay";
import { answer } from "./respond";
import { read, send, upstreamError } from "./upstream-call";

/** A claimed hold lives this long past the upstream timeout, so a slow settlement still finds it. */
const CLAIM_MARGIN_MS = 60_000;

const CLAIM_DENIAL: Record<ClaimRefusal, { reason: DenialReason; message: string }> = {
  unknown: {
    reason: "unknown_challenge",
    message: "the payment credential answers a challenge this gateway never issued a budget for.",
  },
  expired: {
    reason: "challenge_expired",
    message: "the payment challenge has expired; call again for a fresh one.",
  },
  used: {
    reason: "challenge_used",
    message: "this payment challenge was already used; call again for a fresh one.",
  },
  tool_mismatch: {
    reason: "tool_mismatch",
    message: "the payment credential was issued for a different call.",
  },
  arguments_mismatch: {
    reason: "arguments_mismatch",
    message:
      "the paid retry's arguments differ from the call that was judged and priced; retry the same call with the same arguments.",
  },
  session_mismatch: {
    reason: "session_mismatch",
    message: "the payment challenge was issued in another session; retry it in the session that received it.",
  },
  credential_mismatch: {
    reason: "credential_mismatch",
    message: "the payment credential does not pay the offer that was budgeted",
  },
};

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

async function settledRetry(
  g: GatewayCtx,
  id: JsonRpcId,
  target: CallTarget,
  credential: Credential,
  relay: Relay,
): Promise<unknown> {
  const { call } = target;
  const offerKey = credential.protocol === "mpp" ? credential.challengeId : credential.offerKey;
  const claimed = offerKey
    ? await callLedger(() =>
        ledgerFor(g.env, g.tenant.orgId).claim({
          offerKey,
          tool: call.tool,
          agentId: g.tenant.agent.id,
          argsHash: call.argsHash,
          sessionId: g.session?.n ?? null,
          credential,
          holdMs: g.timeoutMs + CLAIM_MARGIN_MS,
          now: Date.now(),
        }),
      )
    : {
        ok: true as const,
        value: { ok: false as const, reason: "unknown" as ClaimRefusal, detail: undefined },
      };
  if (!claimed.ok) return denialError(id, unavailable(call.txId));
  if (!claimed.value.ok) {
    const refusal = CLAIM_DENIAL[claimed.value.reason];
    const detail = claimed.value.detail ? `: ${claimed.value.detail}.` : "";
    const denial: Denial = {
      reason: refusal.reason,
      message: `${refusal.message}${detail} It was not forwarded.`,
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
    return denialError(id, denial);
  }
  const { reservationId, lines } = claimed.value;
  const offer = parseOfferTerms(claimed.value.terms);
  const paid = paidAmount(offer, null);

  const sent = await send(g, target, true);
  if (!sent.ok) {
    relay.streamed(false);
    // Nothing left for a refused URL; otherwise the credential may have reached the upstream.
    await settle(
      g,
      reservationId,
      sent.failure.reached
        ? { commit: true, unconfirmed: true, ...paid }
        : { commit: false, reason: "blocked_url" },
    );
    return upstreamError(id, target, sent.failure);
  }
  relay.streamed(sent.sse);
  const reply = await read(target, sent.response, id, relay.emit);
  if (!reply.ok) {
    await settle(
      g,
      reservationId,
      reply.failure.reached
        ? { commit: true, unconfirmed: true, ...paid }
        : { commit: false, reason: "upstream_http_4xx" },
    );
    return upstreamError(id, target, reply.failure);
  }
  const outcome = classifyPaidResponse(reply.message);
  switch (outcome.kind) {
    case "receipt": {
      const settledPaid = paidAmount(offer, outcome.settledAmount);
      const how: Settlement = {
        commit: true,
        receiptRef: outcome.reference,
        ...actualAmounts(lines, settledPaid.paid ?? null),
        ...settledPaid,
      };
      await settle(g, reservationId, how);
      committed(g, call, reservationId, offer, settledPaid.paid ?? null, outcome.reference, false);
      return reply.message;
    }
    case "refused": {
      await settle(g, reservationId, { commit: false, reason: "credential_refused" });
      // A refusal with fresh challenges is a new price to budget, like the first one.
      const fresh = detectPaymentRequired(reply.message);
      return fresh
        ? priced(g, id, { ...call }, target.upstream.namespace, { payment: fresh, message: reply.message })
        : reply.message;
    }
    case "maybe_paid":
    case "unpaid_success":
      await settle(g, reservationId, { commit: true, unconfirmed: true, ...paid });
      committed(g, call, reservationId, offer, paid.paid ?? null, null, true);
      return reply.message;
  }
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
  lines: { key: string; unit: string; kind: "money" | "count"; amount: string }[],
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
  call: CallInfo,
  reservationId: string,
  offer: Offer | null,
  paid: PaidAmount | null,
  receiptRef: string | null,
  unconfirmed: boolean,
): void {
  notifyCommitted(
    g,
    {
      id: reservationId,
      agentId: g.tenant.agent.id,
      sessionId: g.session?.n ?? null,
      upstreamId: call.upstreamId,
      tool: call.tool,
      vendor: offer?.recipient ?? null,
      amount: paid,
    },
    receiptRef,
    unconfirmed,
  );
}
