// A 2026-07-28 upstream's share of a listen (ADR 0040): its own subscriptions/listen with the part of
// the filter it owns. Its acknowledgment is read (and narrowed to what was asked: an upstream cannot
// widen it), never relayed; its notifications are relayed under the client's subscription id.
import type { SseEvent } from "../protocol/sse";
import { readSse } from "../protocol/sse";
import { forward, MAX_UPSTREAM_MESSAGE_BYTES } from "../upstream/forward";
import { forgetListed } from "./catalog";
import { forwardOptions, type GatewayCtx } from "./context";
import { STREAM_LIFETIME_MS } from "./get-stream";
import { ACKNOWLEDGED, LIST_FLAGS, ListenFilter } from "./listen-filter";
import type { Forwarded, ListenPart, PartWant } from "./listen-part";
import { parseData, wanted } from "./listen-part";

type Upstream = GatewayCtx["tenant"]["upstreams"][number];
type Obj = Record<string, unknown>;

function filterFor(want: PartWant): ListenFilter {
  const f: ListenFilter = {};
  for (const flag of want.flags) f[flag] = true;
  if (want.uris.size > 0) f.resourceSubscriptions = [...want.uris.keys()];
  return f;
}

export async function openModernPart(
  g: GatewayCtx,
  u: Upstream,
  want: PartWant,
  stop: AbortSignal,
): Promise<ListenPart | null> {
  const id = `tgl-${crypto.randomUUID()}`;
  const body = {
    jsonrpc: "2.0",
    id,
    method: "subscriptions/listen",
    params: { notifications: filterFor(want) },
  };
  // The headers and the acknowledgment must come within the upstream timeout; the stream may then live.
  const setup = new AbortController();
  const timer = setTimeout(() => setup.abort(), g.timeoutMs);
  const signal = AbortSignal.any([stop, setup.signal, ...(g.signal ? [g.signal] : [])]);
  try {
    const sent = await forward(u, JSON.stringify(body), {
      ...forwardOptions(g, u.id),
      signal,
      timeoutMs: STREAM_LIFETIME_MS,
    });
    if (!sent.ok) return null;
    const { response } = sent;
    if (
      response.status !== 200 ||
      !response.body ||
      !(response.headers.get("content-type") ?? "").includes("text/event-stream")
    ) {
      await response.body?.cancel().catch(() => undefined);
      return null;
    }
    const events = readSse(response.body, MAX_UPSTREAM_MESSAGE_BYTES)[Symbol.asyncIterator]();
    const ack = await acknowledged(events);
    if (!ack) {
      await events.return?.(undefined).catch(() => undefined);
      return null;
    }
    clearTimeout(timer);
    // Only what was asked and agreed: an upstream's wider acknowledgment is not believed.
    const flags = want.flags.filter((f) => ack[f] === true);
    const agreed = new Set(ack.resourceSubscriptions ?? []);
    const uris = new Map([...want.uris].filter(([upstreamUri]) => agreed.has(upstreamUri)));
    const honoured: PartWant = { flags, uris };
    return {
      upstreamId: u.id,
      honoured: { flags, clientUris: [...uris.values()] },
      pump: (emit, halt) => pumpListen(u, id, events, honoured, emit, halt),
      // Closing the upstream's stream (the listen's abort) is its cancellation (streamable-http).
      cleanup: async () => undefined,
    };
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** Relays the notifications asked for, until the upstream ends its listen (its answer or a cancel). */
async function pumpListen(
  u: Upstream,
  id: string,
  events: AsyncIterator<SseEvent>,
  want: PartWant,
  emit: (n: Forwarded) => void,
  halt: AbortSignal,
): Promise<void> {
  try {
    for (;;) {
      const next = await events.next();
      if (next.done || halt.aborted) return;
      const message = parseData(next.value.data) as Obj | null;
      if (message?.id === id || message?.method === "notifications/cancelled") return;
      const out = wanted(want, message);
      if (!out) continue;
      if (out.method === "notifications/tools/list_changed") forgetListed(u.id);
      emit(out);
    }
  } catch {
    // the upstream broke the stream, or the listen ended
  }
}

/** Reads up to the upstream's acknowledgment (what comes before it is dropped); null: none came. */
async function acknowledged(events: AsyncIterator<SseEvent>): Promise<ListenFilter | null> {
  for (let skipped = 0; skipped < 16; skipped++) {
    const next = await events.next();
    if (next.done) return null;
    const m = parseData(next.value.data) as Obj | null;
    if (m?.method !== ACKNOWLEDGED) continue;
    const notifications = (m.params as Obj | undefined)?.notifications;
    const parsed = ListenFilter.safeParse(notifications);
    if (parsed.success) return parsed.data;
    // A malformed acknowledgment honours nothing it did not spell out as booleans.
    const loose = (notifications ?? {}) as Obj;
    return Object.fromEntries(LIST_FLAGS.filter((f) => loose[f] === true).map((f) => [f, true]));
  }
  return null;
}
