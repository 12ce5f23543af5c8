// An upstream may close a call's SSE stream before its answer, once it has sent an event id (and
// usually a `retry:`): 2025-11-25 resumability (SEP-1699), where the client then resumes with GET +
// Last-Event-ID. For the call the gateway is that client: it resumes the stream itself, so the answer
// still reaches the metered path (ledger, receipts) and the agent's client sees one stream (ADR 0035).
import { createParser } from "eventsource-parser";
import { forward, type UpstreamTarget } from "../upstream/forward";
import { forwardOptions, type GatewayCtx } from "./context";

/** Resumptions of one call's stream before the gateway gives up (the call then fails as before). */
const MAX_RESUMES = 3;
/** The wait when the upstream sent an event id but no `retry:`, and the most any `retry:` may ask. */
const DEFAULT_RETRY_MS = 1_000;
const MAX_RETRY_MS = 10_000;

/** What the gateway must know of a stream to resume it: its last event id, its retry, its answer. */
function tap() {
  const state = { lastId: null as string | null, retryMs: null as number | null, answered: false };
  const decoder = new TextDecoder();
  const parser = createParser({
    onEvent: (e) => {
      if (e.id) state.lastId = e.id;
      if (!state.answered && isResponse(e.data)) state.answered = true;
    },
    onRetry: (ms) => {
      state.retryMs = ms;
    },
  });
  return { state, feed: (chunk: Uint8Array) => parser.feed(decoder.decode(chunk, { stream: true })) };
}

function isResponse(data: string): boolean {
  if (!data.includes('"id"')) return false;
  try {
    const m = JSON.parse(data) as Record<string, unknown> | null;
    return m !== null && typeof m === "object" && !("method" in m) && ("result" in m || "error" in m);
  } catch {
    return false;
  }
}

/**
 * The call's SSE response with resumption inside: when the upstream ends the stream without an
 * answer after an event id, the gateway waits the upstream's retry and reopens it with GET +
 * Last-Event-ID on the same upstream session; the bytes of each stream follow one another.
 * `detach`: the client's disconnect must not stop it (a paid retry).
 */
export function resumable(g: GatewayCtx, upstream: UpstreamTarget, response: Response, detach: boolean) {
  if (!response.body) return response;
  const signal = detach ? undefined : (g.signal ?? undefined);
  let current: ReadableStreamDefaultReader<Uint8Array> | null = null;
  let cancelled = false;
  const chunks = (async function* () {
    let body: ReadableStream<Uint8Array> | null = response.body;
    for (let resumes = 0; body && !cancelled; resumes++) {
      const t = tap();
      const reader = body.getReader();
      current = reader;
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          t.feed(value);
          yield value;
        }
      } finally {
        reader.releaseLock();
      }
      const { lastId, retryMs, answered } = t.state;
      if (cancelled || answered || lastId === null || resumes >= MAX_RESUMES || signal?.aborted) return;
      yield new TextEncoder().encode("\n\n"); // ends an event the upstream cut off, if any
      await new Promise((r) => setTimeout(r, Math.min(retryMs ?? DEFAULT_RETRY_MS, MAX_RETRY_MS)));
      body = cancelled ? null : await reopen(g, upstream, lastId, signal);
      if (cancelled) await body?.cancel().catch(() => undefined);
    }
  })();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel(reason) {
      // The reader (the gateway) stopped: the upstream stream is cancelled, and nothing is reopened.
      cancelled = true;
      await current?.cancel(reason).catch(() => undefined);
    },
  });
  return new Response(stream, { status: response.status, headers: response.headers });
}

async function reopen(
  g: GatewayCtx,
  upstream: UpstreamTarget,
  lastEventId: string,
  signal: AbortSignal | undefined,
): Promise<ReadableStream<Uint8Array> | null> {
  const sent = await forward(upstream, null, {
    ...forwardOptions(g, upstream.id),
    method: "GET",
    lastEventId,
    signal,
  });
  if (!sent.ok) return null;
  const ok =
    sent.response.status === 200 &&
    (sent.response.headers.get("content-type") ?? "").includes("text/event-stream");
  if (!ok) {
    await sent.response.body?.cancel().catch(() => undefined);
    return null;
  }
  return sent.response.body;
}
