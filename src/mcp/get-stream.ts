// The 2025 standalone GET stream (ADR 0035): a client's GET opens the GET stream of every upstream
// session that offers one and merges them into one SSE stream. Server requests on them are relayed
// with ids naming the upstream that asked (server-requests.ts), so the client's answer (a POST) goes
// back to that upstream only; notifications pass through. An upstream answering anything but an SSE
// stream (405: it has none) is left out; when none offers one the answer is 405, as before.
import type { SseEvent } from "../protocol/sse";
import { encodeEvent, readSse, SSE_HEADERS } from "../protocol/sse";
import { forward, MAX_UPSTREAM_MESSAGE_BYTES } from "../upstream/forward";
import { forgetListed } from "./catalog";
import { forwardOptions, type GatewayCtx } from "./context";
import { upstreamEventId } from "./event-ids";
import { acquireGetSlot, type GetSlot } from "./get-stream-slots";
import { jsonResponse } from "./respond";
import { relayFrom, sessionTag } from "./server-requests";

type Upstream = GatewayCtx["tenant"]["upstreams"][number];

/** Long enough never to cut a live stream: the header wait has its own timer (g.timeoutMs). */
export const STREAM_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** Reopens of one upstream's stream in a row that brought no event, before it is given up. */
const MAX_REOPENS_WITHOUT_EVENTS = 3;
/** The wait before reopening when the upstream sent no `retry:`, and the longest `retry:` obeyed. */
const DEFAULT_RETRY_MS = 1_000;
const MAX_RETRY_WAIT_MS = 10_000;

function refuse(status: number, code: string, message: string): Response {
  return jsonResponse({ error: { code, message } }, undefined, status);
}

/** GET on the MCP endpoint by a 2025-era client. Every refusal happens before any upstream is asked. */
export async function openGetStream(g: GatewayCtx, req: Request): Promise<Response> {
  const session = g.session;
  // A foreign or forged Mcp-Session-Id was answered 404 by the route already.
  if (!session)
    return refuse(400, "BAD_REQUEST", "GET needs the Mcp-Session-Id of a session (initialize first)");
  if (!(req.headers.get("accept") ?? "").includes("text/event-stream"))
    return refuse(
      406,
      "NOT_ACCEPTABLE",
      "The GET stream is text/event-stream: send Accept: text/event-stream",
    );
  const lastEventId = req.headers.get("last-event-id");
  const resumed = lastEventId === null ? null : upstreamEventId(lastEventId);
  // Only the gateway's own GET stream ids resume here; a call's stream the gateway resumes itself.
  if (lastEventId !== null && resumed?.kind !== "get")
    return refuse(405, "METHOD_NOT_ALLOWED", "That Last-Event-ID names no stream this gateway can resume");
  const targets = g.tenant.upstreams.filter((u) => session.u[u.id] && !session.m?.includes(u.id));
  if (targets.length === 0)
    return refuse(405, "METHOD_NOT_ALLOWED", "No upstream of this session offers a standalone SSE stream");
  const slot = acquireGetSlot(g.tenant.orgId, g.tenant.agent.id, session.n);
  if (!slot.ok) return refuse(slot.status, slot.code, slot.message);

  const abort = new AbortController();
  const opened = await Promise.all(
    targets.map(async (u) => ({
      u,
      res: await openUpstream(g, u, resumed?.upstreamId === u.id ? resumed.id : null, abort.signal),
    })),
  );
  const live = opened.flatMap((o) => (o.res instanceof Response ? [{ u: o.u, res: o.res }] : []));
  if (live.length === 0) {
    slot.release();
    // 405 says "no stream here" (a client stops asking); a failure that may pass gets a retryable 503.
    if (opened.every((o) => o.res === 405))
      return refuse(405, "METHOD_NOT_ALLOWED", "No upstream of this session offers a standalone SSE stream");
    return refuse(503, "UPSTREAM_UNAVAILABLE", "No upstream GET stream could be opened now; retry later");
  }
  return new Response(merge(g, live, abort, slot).pipeThrough(new TextEncoderStream()), {
    status: 200,
    headers: SSE_HEADERS,
  });
}

/**
 * One upstream's GET stream; else 405 (it offers none) or null (another status, not SSE, unreachable,
 * no headers in time).
 */
export async function openUpstream(
  g: GatewayCtx,
  u: Upstream,
  lastEventId: string | null,
  stop: AbortSignal,
): Promise<Response | 405 | null> {
  const headers = new AbortController();
  const timer = setTimeout(() => headers.abort(), g.timeoutMs);
  const signal = AbortSignal.any([stop, headers.signal, ...(g.signal ? [g.signal] : [])]);
  const sent = await forward(u, null, {
    ...forwardOptions(g, u.id),
    method: "GET",
    lastEventId,
    signal,
    timeoutMs: STREAM_LIFETIME_MS,
  });
  clearTimeout(timer);
  if (!sent.ok) return null;
  const { response } = sent;
  if (
    response.status !== 200 ||
    !(response.headers.get("content-type") ?? "").includes("text/event-stream")
  ) {
    await response.body?.cancel().catch(() => undefined);
    return response.status === 405 ? 405 : null;
  }
  return response.body ? response : null;
}

/**
 * The client's stream: every upstream stream pumped into it, each reopened when its upstream closes
 * it (after its `retry:`, with its last event id, as a client would); it ends when every upstream
 * refuses to reopen. The client going away cancels it, which aborts every upstream fetch.
 */
function merge(
  g: GatewayCtx,
  live: { u: Upstream; res: Response }[],
  abort: AbortController,
  slot: GetSlot,
): ReadableStream<string> {
  let closed = false;
  const finish = (controller?: ReadableStreamDefaultController<string>) => {
    if (closed) return;
    closed = true;
    abort.abort();
    slot.release();
    try {
      controller?.close();
    } catch {
      // already closed by a cancel
    }
  };
  return new ReadableStream<string>({
    start(controller) {
      const emit = (event: SseEvent) => {
        if (!closed) controller.enqueue(encodeEvent(event));
      };
      let running = live.length;
      for (const { u, res } of live) {
        void pump(g, u, res, emit, abort.signal).finally(() => {
          running--;
          if (running === 0) finish(controller);
        });
      }
    },
    cancel() {
      finish();
    },
  });
}

async function pump(
  g: GatewayCtx,
  u: Upstream,
  first: Response,
  emit: (event: SseEvent) => void,
  stop: AbortSignal,
): Promise<void> {
  const relay = relayFrom(u.id, emit, "get", sessionTag(g.session));
  let res: Response | null = first;
  let lastId: string | null = null;
  let retryMs: number | null = null;
  let quiet = 0;
  while (res?.body && !stop.aborted) {
    let events = 0;
    try {
      for await (const event of readSse(res.body, MAX_UPSTREAM_MESSAGE_BYTES)) {
        events++;
        if (event.id) lastId = event.id;
        if (event.retry !== undefined) retryMs = event.retry;
        noteNotification(u.id, event.data);
        relay(event);
      }
    } catch {
      // the upstream broke the stream, or the client left (stop): both end or reopen below
    }
    quiet = events > 0 ? 0 : quiet + 1;
    // SEP-1699: a server may close the stream to have it polled; what it sent meanwhile is replayed
    // after the Last-Event-ID. A server that refuses the reopen (404: session gone) ends it.
    if (stop.aborted || quiet >= MAX_REOPENS_WITHOUT_EVENTS) return;
    await sleep(Math.min(retryMs ?? DEFAULT_RETRY_MS, MAX_RETRY_WAIT_MS), stop);
    const reopened: Response | 405 | null = stop.aborted ? null : await openUpstream(g, u, lastId, stop);
    res = reopened instanceof Response ? reopened : null;
  }
}

/** A tools list_changed makes the gateway's cached view of that upstream's tools stale. */
function noteNotification(upstreamId: string, data: string): void {
  if (!data.includes("notifications/tools/list_changed")) return;
  try {
    const m = JSON.parse(data) as { method?: unknown; id?: unknown };
    if (m.method === "notifications/tools/list_changed" && m.id === undefined) forgetListed(upstreamId);
  } catch {
    // not JSON: relayed as it is
  }
}

function sleep(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    stop.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      stop.removeEventListener("abort", done);
      resolve();
    }
  });
}
