// One request to the upstream that serves a metered call, and what its failure means for money:
// whether the request (and any credential in it) may have reached the tool.

import { type JsonRpcId, type JsonRpcResponse, upstreamRpcError } from "../protocol/jsonrpc";
import { withTraceMeta } from "../trace/context";
import { childSpan } from "../trace/request-trace";
import { forward, readReply } from "../upstream/forward";
import type { CallTarget } from "./call-target";
import { forwardOptions, type GatewayCtx } from "./context";
import type { Emit } from "./respond";
import { resumable } from "./resume";
import { relayFrom, sessionTag } from "./server-requests";
import { forwardSpan } from "./trace-spans";
import { relink } from "./upstream-links";

export type UpstreamFailure = {
  /** False only when nothing left the gateway (a refused URL) or the upstream refused at HTTP 4xx. */
  reached: boolean;
  code: string;
  message: string;
};

// The gateway session each call's upstream response belongs to, for `read` (which the call paths give
// no context): server requests relayed from that response are bound to that session (ADR 0035).
const relayTags = new WeakMap<Response, string>();

export type Sent = { ok: true; response: Response; sse: boolean } | { ok: false; failure: UpstreamFailure };
export type Answered = { ok: true; message: JsonRpcResponse } | { ok: false; failure: UpstreamFailure };

/**
 * Sends the call upstream. `detach`: the client's disconnect must not abort it (a paid retry: its
 * credential is on its way and only the answer says whether money moved).
 */
export async function send(g: GatewayCtx, target: CallTarget, detach = false): Promise<Sent> {
  // The forward's own span under the request's server span; the upstream sees it as its parent.
  const trace = g.trace ? childSpan(g.trace) : null;
  const body = withTraceMeta(target.upstreamBody, trace);
  const post = () => {
    const opts = { ...forwardOptions(g, target.upstream.id), trace };
    return forward(target.upstream, body, detach ? { ...opts, signal: undefined } : opts);
  };
  const startMs = Date.now();
  let sent = await post();
  // The gateway's own session with a legacy upstream (modern clients) is gone: a 404 ran nothing,
  // so the request is sent once more on a fresh session.
  if (sent.ok && sent.response.status === 404 && g.links && (await relink(g, target.upstream))) {
    await sent.response.body?.cancel();
    sent = await post();
  }
  if (trace) g.trace?.spans?.push(forwardSpan(target, trace, startMs, sent));
  if (!sent.ok)
    return {
      ok: false,
      failure: {
        reached: sent.error !== "blocked_url",
        code: `upstream_${sent.error}`,
        message: sent.message,
      },
    };
  const sse = (sent.response.headers.get("content-type") ?? "").includes("text/event-stream");
  // A stream the upstream closes before the answer is resumed by the gateway (resume.ts).
  const response = sse ? resumable(g, target.upstream, sent.response, detach) : sent.response;
  const tag = sessionTag(g.session);
  if (tag) relayTags.set(response, tag);
  return { ok: true, response, sse };
}

/** Reads the answer to `id`, relaying the upstream's other events (progress, server requests). */
export async function read(
  target: CallTarget,
  response: Response,
  id: JsonRpcId,
  emit: Emit,
): Promise<Answered> {
  const relay = relayFrom(target.upstream.id, emit, "post", relayTags.get(response) ?? null);
  const reply = await readReply(response, id, relay);
  if (reply.ok) return { ok: true, message: reply.message };
  // A 4xx means the request was refused before the tool ran; anything else may have run it.
  const refusedAtHttp = reply.error === "bad_status" && (reply.status ?? 500) < 500;
  return {
    ok: false,
    failure: { reached: !refusedAtHttp, code: `upstream_${reply.error}`, message: reply.message },
  };
}

export function upstreamError(id: JsonRpcId, target: CallTarget, failure: UpstreamFailure) {
  return upstreamRpcError(id, target.upstream.namespace, failure.message);
}

/** A tool that answered with an error (JSON-RPC error or isError result) still ran. */
export function failedAnswer(message: JsonRpcResponse): boolean {
  return "error" in message || (message.result as { isError?: unknown } | null)?.isError === true;
}
