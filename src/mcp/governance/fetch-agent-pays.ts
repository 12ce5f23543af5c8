// tollgate_fetch for agent-pays agents: a 402 is budgeted and held like an MCP upstream's, and the
// agent gets the challenge in its MCP form; its paid retry (the same call, the credential in `_meta`)
// claims the hold, goes out as the HTTP header the server asked for, and the answer settles it.
// Decision: docs/decisions/0020-tollgate-fetch.md.
import {
  agentHeaderCredential,
  classifyHttpPaidResponse,
  credentialMetaValue,
  credentialMismatch,
  detectHttpPaymentRequired,
  extractCredential,
  type HttpPaymentRequired,
  MPP_PAYMENT_REQUIRED_CODE,
  mcpChallengeOf,
  priceToBudget,
  readHttpCredential,
  receiptMeta,
  withCredentialHeader,
} from "../../payments";
import { type JsonRpcId, type JsonRpcRequest, RPC, rpcError, rpcResult } from "../../protocol/jsonrpc";
import { type HttpReply, type HttpRequest, sendHttp } from "../../upstream/http-request";
import type { CallInfo } from "../call-record";
import type { GatewayCtx } from "../context";
import { type DenialReason, denialError } from "../denial";
import { settle } from "../ledger-calls";
import { coveredOffers } from "../narrow";
import {
  type Claimed,
  claimHold,
  type PaidSettled,
  paymentEntry,
  settleOutcome,
  settleUnanswered,
} from "../paid-settle";
import { holdOffer, unpriced } from "../priced";
import { refuse } from "../refuse";
import { detached } from "../relay";
import { fetchResult, MAX_FETCH_RESPONSE_BYTES } from "./fetch-result";
import { fail } from "./results";

export type AgentFetch = { call: CallInfo; vendor: string; request: HttpRequest };

/**
 * The 402 budgeted at its most expensive payable offer and held, bound to this call and the covered
 * offers' terms; the agent is answered with those offers only, in MCP form (-32042 for MPP, an
 * isError PaymentRequired result for x402).
 */
export async function agentChallenge(
  g: GatewayCtx,
  id: JsonRpcId,
  f: AgentFetch,
  payment: HttpPaymentRequired,
): Promise<unknown> {
  const { call, vendor } = f;
  const now = Date.now();
  const chosen = priceToBudget(payment, now);
  if (!chosen.ok) return refuse(g, id, call, { denial: unpriced(call, chosen), kind: "payment" });
  const covered = coveredOffers(payment, chosen.offer);
  const p = { id, call, vendorDefault: vendor, vendor, challenge: { payment, message: null } };
  const held = await holdOffer(g, p, { offer: chosen.offer, covered, now });
  if (!held.ok) return held.answer;
  const bound = new Set(held.bind.offers.map((o) => o.key));
  const error = `Payment required by ${vendor}: pay one offer and call tollgate_fetch again with the same arguments.`;
  const challenge = mcpChallengeOf(
    covered.filter((o) => bound.has(o.offerKey)),
    payment.x402Resource,
    error,
  );
  if (challenge === null) {
    await settle(g, held.holdId, { commit: false, reason: "no_mcp_form" });
    return rpcError(id, RPC.INTERNAL_ERROR, "The payment challenge could not be presented.");
  }
  if (challenge.kind === "mpp") return rpcError(id, MPP_PAYMENT_REQUIRED_CODE, error, challenge.data);
  const body = challenge.paymentRequired;
  return rpcResult(id, {
    isError: true,
    structuredContent: body,
    content: [{ type: "text", text: JSON.stringify(body) }],
  });
}

/**
 * The agent's paid retry: exactly one readable credential, claimed (same tool, arguments, session,
 * and terms), then sent in its HTTP header form, detached from the client; the answer settles it.
 */
export async function agentPaidFetch(
  g: GatewayCtx,
  req: JsonRpcRequest,
  f: AgentFetch,
  count: number,
): Promise<unknown> {
  const { call } = f;
  const id = req.id;
  const deny = (reason: DenialReason, message: string) =>
    refuse(g, id, call, {
      denial: { reason, message, source: "gateway", transactionId: call.txId },
      kind: "payment",
    });
  if (count > 1)
    return deny(
      "multiple_credentials",
      "the request carries more than one payment credential; send exactly one. Nothing was sent.",
    );
  const credential = extractCredential(req);
  const sent = credentialMetaValue(req);
  if (!credential || !sent)
    return deny("unknown_challenge", "the payment credential could not be read, so nothing was sent.");
  const claim = await claimHold(g, id, call, credential);
  if (!claim.ok) return claim.answer;
  const header = headerFor(f.request, claim.hold, sent);
  if (typeof header === "string") {
    // Claimed but never sent: no money moved.
    await settle(g, claim.hold.reservationId, { commit: false, reason: "credential_unconvertible" });
    return denialError(id, {
      reason: "credential_mismatch",
      message: `the payment credential cannot be sent over HTTP: ${header}. Nothing was sent.`,
      source: "gateway",
      transactionId: call.txId,
    });
  }
  return detached(g, id, "paid request", paidSend(g, id, f, claim.hold, { ...f.request, headers: header }));
}

/**
 * The request's headers with the credential where the offer wants it, read back as the server will
 * read it and checked again against the claimed terms: what is checked is what is sent.
 */
function headerFor(
  request: HttpRequest,
  hold: Claimed,
  sent: { key: string; value: unknown },
): HttpRequest["headers"] | string {
  const offer = hold.offer;
  if (offer === null) return "the reserved offer's terms are unreadable";
  const credential = agentHeaderCredential(offer, sent.key, sent.value);
  if (typeof credential === "string") return credential;
  const attached = withCredentialHeader(request.headers, offer, credential);
  if (!attached.ok) return attached.message;
  const read = readHttpCredential(new Headers(attached.headers));
  if (read.count !== 1 || !read.credential) return "the header credential does not read back";
  const mismatch = credentialMismatch(read.credential, offer, Date.now());
  return mismatch ?? attached.headers;
}

async function paidSend(
  g: GatewayCtx,
  id: JsonRpcId,
  f: AgentFetch,
  hold: Claimed,
  request: HttpRequest,
): Promise<unknown> {
  const sent = await sendHttp(request, { timeoutMs: g.timeoutMs, maxBytes: MAX_FETCH_RESPONSE_BYTES });
  if (!sent.ok) {
    await settleUnanswered(g, hold, true, `fetch_${sent.error}`);
    return rpcResult(id, fail(`The paid request failed: ${sent.message}. It is counted as paid.`));
  }
  const answer = answerOf(sent.reply);
  const settled = await settleOutcome(g, f.call, hold, classifyHttpPaidResponse(answer));
  if (settled.kind === "refused") {
    // A refusal with a fresh challenge is a new price to budget, like the first one.
    const fresh = detectHttpPaymentRequired(answer);
    if (fresh && fresh.offers.length > 0) return agentChallenge(g, id, f, fresh);
    return rpcResult(id, fetchResult(f.request.url.href, sent.reply, null));
  }
  return rpcResult(id, paidResult(f, sent.reply, hold, settled));
}

/** The answer with what the agent paid (`paidBy: "agent"`) and the server's receipt in MCP form. */
function paidResult(f: AgentFetch, reply: HttpReply, hold: Claimed, settled: Paid) {
  const result = fetchResult(f.request.url.href, reply, paymentEntry(hold, settled, "agent"));
  return { ...result, _meta: { ...result._meta, ...receiptMeta(reply.headers) } };
}

type Paid = Exclude<PaidSettled, { kind: "refused" }>;

export function answerOf(reply: HttpReply) {
  return { status: reply.status, headers: reply.headers, bodyText: new TextDecoder().decode(reply.body) };
}
