// tollgate_fetch: an agent's plain HTTP(S) request under its mandate. The URL passes the SSRF guard,
// the agent's headers are checked (no payment headers of its own), and the call is judged with the
// URL's host as vendor before anything leaves. A 402 is priced from its MPP or x402 challenge and,
// in tollgate-pays, paid with the org wallet through the same hold, claim and settlement as an MCP
// paid retry; in agent-pays, held and shown to the agent as an MCP challenge it pays on its retry
// (fetch-agent-pays.ts). Decision: docs/decisions/0020-tollgate-fetch.md.
import { newId } from "../../db/client";
import { checkOutboundUrl } from "../../net/private-address";
import {
  checkAgentHeaders,
  classifyHttpPaidResponse,
  credentialCount,
  detectHttpPaymentRequired,
  type HttpPaymentRequired,
  readHttpCredential,
  withCredentialHeader,
} from "../../payments";
import { type JsonRpcId, type JsonRpcRequest, rpcResult } from "../../protocol/jsonrpc";
import type { FetchInput } from "../../services/governance-tools";
import type { TenantWallet } from "../../services/tenant";
import { type HttpRequest, sendHttp } from "../../upstream/http-request";
import { clearCall, settleBefore } from "../before-forward";
import type { CallInfo } from "../call-record";
import { argsHashOf } from "../call-target";
import type { GatewayCtx } from "../context";
import { type DenialReason, denialError } from "../denial";
import { settle } from "../ledger-calls";
import { claimHold, paymentEntry, settleOutcome, settleUnanswered, walletRefused } from "../paid-settle";
import { unpriced } from "../priced";
import { refuse } from "../refuse";
import { detached } from "../relay";
import { unreadableCredential, walletPays } from "../tollgate-pays";
import { agentChallenge, agentPaidFetch, answerOf } from "./fetch-agent-pays";
import { fetchResult, MAX_FETCH_RESPONSE_BYTES } from "./fetch-result";
import { fail } from "./results";

export const FETCH_TOOL = "tollgate_fetch";

export async function fetchTool(g: GatewayCtx, req: JsonRpcRequest, input: FetchInput): Promise<unknown> {
  const call: CallInfo = {
    txId: newId("tx"),
    method: req.method,
    tool: FETCH_TOOL,
    upstreamId: "",
    args: input,
    argsHash: argsHashOf(input),
  };
  const deny = (reason: DenialReason, message: string, kind: "free" | "payment" = "free") =>
    refuse(g, req.id, call, {
      denial: { reason, message, source: "gateway", transactionId: call.txId },
      kind,
    });
  const credentials = credentialCount(req);
  // Tollgate is a tollgate-pays agent's only payer: a credential of its own would be a second payer.
  if (credentials > 0 && g.tenant.payer.mode === "tollgate-pays")
    return deny(
      "credential_not_allowed",
      "this agent's payments are made by Tollgate; a credential sent by the agent is refused and was not forwarded.",
      "payment",
    );
  const checked = checkOutboundUrl(input.url, g.allowPrivate);
  if (!checked.ok) return deny("url_refused", `the URL was refused: ${checked.reason}. Nothing was sent.`);
  const headers = checkAgentHeaders(input.headers ?? {});
  if (!headers.ok) {
    const reason = headers.reason === "credential_header" ? "credential_not_allowed" : "header_refused";
    const name = headers.name ? ` (${headers.name})` : "";
    return deny(reason, `${headers.message}${name}. Nothing was sent.`, "payment");
  }
  const vendor = vendorOf(checked.url);
  const request: HttpRequest = {
    method: input.method,
    url: checked.url,
    headers: headers.headers,
    body: input.body ?? null,
  };
  // An agent's paid retry: its hold judged this very call (same arguments), so the claim decides.
  if (credentials > 0) return agentPaidFetch(g, req, { call, vendor, request }, credentials);
  const before = await clearCall(g, req.id, call, { estimate: null, vendor });
  if (!before.ok) return before.answer;

  const sent = await sendHttp(request, {
    timeoutMs: g.timeoutMs,
    maxBytes: MAX_FETCH_RESPONSE_BYTES,
    signal: g.signal,
  });
  if (!sent.ok) {
    await settleBefore(g, { call }, before, "failed", `fetch_${sent.error}`);
    return rpcResult(req.id, fail(`The request failed: ${sent.message}.`));
  }
  const reply = sent.reply;
  const payment = reply.status === 402 ? detectHttpPaymentRequired(answerOf(reply)) : null;
  if (!payment) {
    const failed = reply.status >= 400;
    await settleBefore(
      g,
      { call },
      before,
      failed ? "failed" : "success",
      failed ? `http_${reply.status}` : null,
    );
    return rpcResult(req.id, fetchResult(input.url, reply, null));
  }
  await settleBefore(g, { call }, before, "priced");
  if (payment.offers.length === 0) {
    const message = `the server asked for payment in a form Tollgate cannot read (${payment.invalid.join("; ").slice(0, 300)}). Nothing was paid.`;
    return refuse(g, req.id, call, {
      denial: unpriced(call, { code: "price_unknown", message }),
      kind: "payment",
    });
  }
  const payer = g.tenant.payer;
  if (payer.mode !== "tollgate-pays") return agentChallenge(g, req.id, { call, vendor, request }, payment);
  return payFetch(g, req.id, { call, vendor, request, payment }, payer.wallet);
}

type Priced = { call: CallInfo; vendor: string; request: HttpRequest; payment: HttpPaymentRequired };

/** tollgate-pays: hold and sign with the wallet, then send the paid request itself, detached. */
async function payFetch(g: GatewayCtx, id: JsonRpcId, f: Priced, wallet: TenantWallet | null) {
  const { call, vendor, payment } = f;
  const p = { id, call, vendorDefault: vendor, vendor, challenge: { payment, message: null } };
  const paid = await walletPays(g, p, wallet, { transport: "http", resource: payment.x402Resource });
  if (!paid.ok) return paid.answer;
  const attached = withCredentialHeader(f.request.headers, paid.offer, paid.credential);
  const read = attached.ok ? readHttpCredential(new Headers(attached.headers)) : null;
  if (!attached.ok || read?.count !== 1 || !read.credential) {
    await settle(g, paid.holdId, { commit: false, reason: "wallet_credential_unreadable" });
    return denialError(id, unreadableCredential(call.txId));
  }
  const retry = { ...f.request, headers: attached.headers };
  const credential = read.credential;
  const work = (async () => {
    const claim = await claimHold(g, id, call, credential);
    if (!claim.ok) return claim.answer;
    // Detached from the client: the credential is on its way and only the answer says if money moved.
    const sent = await sendHttp(retry, { timeoutMs: g.timeoutMs, maxBytes: MAX_FETCH_RESPONSE_BYTES });
    if (!sent.ok) {
      await settleUnanswered(g, claim.hold, true, `fetch_${sent.error}`);
      return rpcResult(id, fail(`The paid request failed: ${sent.message}. It is counted as paid.`));
    }
    const settled = await settleOutcome(g, call, claim.hold, classifyHttpPaidResponse(answerOf(sent.reply)));
    if (settled.kind === "refused") return denialError(id, walletRefused(call));
    return rpcResult(id, fetchResult(f.request.url.href, sent.reply, paymentEntry(claim.hold, settled)));
  })();
  return detached(g, id, "payment", work);
}

/** The vendor policies see: the URL's host without port or trailing dots ("api.example.com."). */
export function vendorOf(url: URL): string {
  return url.hostname.toLowerCase().replace(/\.+$/, "");
}
