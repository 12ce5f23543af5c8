// subscriptions/listen for 2026-07-28 clients (ADR 0040): one long-lived SSE answer merging every
// upstream's share: a 2025 upstream's GET stream (listen-legacy.ts), a 2026 upstream's own listen
// (listen-modern.ts). The acknowledgment comes first and says what is honoured; every message names
// the subscription; only what was asked for is sent; the client leaving closes every upstream stream.
import { type JsonRpcId, type JsonRpcRequest, RPC, rpcError } from "../protocol/jsonrpc";
import { encodeSse, SSE_HEADERS } from "../protocol/sse";
import type { GatewayCtx } from "./context";
import { modernResponse } from "./era-answer";
import {
  acknowledgment,
  closing,
  LIST_FLAGS,
  type ListenFilter,
  ListenParams,
  tagged,
} from "./listen-filter";
import { openLegacyPart } from "./listen-legacy";
import { openModernPart } from "./listen-modern";
import { listenOwner } from "./listen-owner";
import type { ListenPart, PartWant } from "./listen-part";
import { acquireListenSlot, type ListenSlot, MAX_LISTEN_STREAMS_PER_AGENT } from "./listen-slots";
import { jsonResponse } from "./respond";
import { linkUpstreams } from "./upstream-links";

/** An SSE comment this often keeps intermediaries from closing a quiet stream (streamable-http). */
export const KEEP_ALIVE_MS = 15_000;

type Upstream = GatewayCtx["tenant"]["upstreams"][number];

/** The share each upstream is asked for: every list flag asked, and the URIs it owns. */
async function plan(g: GatewayCtx, filter: ListenFilter): Promise<Map<Upstream, PartWant>> {
  const flags = LIST_FLAGS.filter((f) => filter[f] === true);
  const wants = new Map<Upstream, PartWant>();
  const wantOf = (u: Upstream) => {
    const w = wants.get(u) ?? { flags, uris: new Map<string, string>() };
    wants.set(u, w);
    return w;
  };
  if (flags.length > 0) for (const u of g.tenant.upstreams) wantOf(u);
  for (const uri of new Set(filter.resourceSubscriptions ?? [])) {
    const owned = await listenOwner(g, uri);
    if (owned) wantOf(owned.upstream).uris.set(owned.upstreamUri, uri);
  }
  return wants;
}

const FILTER_HELP =
  "subscriptions/listen needs params.notifications: toolsListChanged, promptsListChanged, resourcesListChanged (booleans), resourceSubscriptions (at most 100 URIs of at most 2048 characters)";

/** The refusals that come before any upstream is linked: the filter, the Accept header, the slot. */
function admit(
  g: GatewayCtx,
  req: JsonRpcRequest,
  params: unknown,
): { refused: Response } | { filter: ListenFilter; slot: ListenSlot } {
  const refuse = (code: number, message: string, status = 200) => ({
    refused: jsonResponse(rpcError(req.id, code, message), undefined, status),
  });
  const parsed = ListenParams.safeParse(params);
  if (!parsed.success) return refuse(RPC.INVALID_PARAMS, FILTER_HELP);
  if (!g.acceptsSse)
    return refuse(RPC.INVALID_REQUEST, "subscriptions/listen answers text/event-stream: accept it", 406);
  const slot = acquireListenSlot(g.tenant.orgId, g.tenant.agent.id);
  if (!slot)
    return refuse(
      RPC.INVALID_REQUEST,
      `This agent has ${MAX_LISTEN_STREAMS_PER_AGENT} listen streams open; close one first`,
      429,
    );
  return { filter: parsed.data.notifications, slot };
}

export async function openListen(g: GatewayCtx, req: JsonRpcRequest, params: unknown): Promise<Response> {
  const admitted = admit(g, req, params);
  if ("refused" in admitted) return admitted.refused;
  const { filter, slot } = admitted;
  const abort = new AbortController();
  let parts: ListenPart[];
  try {
    const linkFailed = await linkUpstreams(g, req.id);
    if (linkFailed) {
      slot.release();
      return modernResponse(g, req, jsonResponse(linkFailed));
    }
    const wants = await plan(g, filter);
    const opened = await Promise.all([...wants].map(([u, want]) => openPart(g, u, want, abort.signal)));
    parts = opened.filter((p): p is ListenPart => p !== null);
  } catch (err) {
    abort.abort();
    slot.release();
    throw err;
  }
  const stream = listenStream(g, req.id, honouredFilter(filter, parts), parts, abort, slot);
  return new Response(stream.pipeThrough(new TextEncoderStream()), { status: 200, headers: SSE_HEADERS });
}

/** One upstream's share, or null; a share that honours nothing is closed at once, not kept open. */
async function openPart(g: GatewayCtx, u: Upstream, want: PartWant, stop: AbortSignal) {
  const own = new AbortController();
  const signal = AbortSignal.any([stop, own.signal]);
  const open = g.links?.[u.id]?.modern ? openModernPart : openLegacyPart;
  const part = await open(g, u, want, signal).catch(() => null);
  if (!part || part.honoured.flags.length > 0 || part.honoured.clientUris.length > 0) return part;
  own.abort();
  g.exec.waitUntil(part.cleanup());
  return null;
}

/** The acknowledged subset: a flag some upstream took, the URIs their owners took (in the client's order). */
function honouredFilter(asked: ListenFilter, parts: ListenPart[]): ListenFilter {
  const out: ListenFilter = {};
  for (const f of LIST_FLAGS) if (parts.some((p) => p.honoured.flags.includes(f))) out[f] = true;
  const taken = new Set(parts.flatMap((p) => p.honoured.clientUris));
  const uris = [...new Set(asked.resourceSubscriptions ?? [])].filter((u) => taken.has(u));
  if (uris.length > 0) out.resourceSubscriptions = uris;
  return out;
}

/** The client's stream over the opened shares; exported for its timing tests (keep-alive). */
export function listenStream(
  g: Pick<GatewayCtx, "exec">,
  id: JsonRpcId,
  honoured: ListenFilter,
  parts: ListenPart[],
  abort: AbortController,
  slot: ListenSlot,
  keepAliveMs = KEEP_ALIVE_MS,
): ReadableStream<string> {
  let ended = false;
  let keepAlive: ReturnType<typeof setInterval> | null = null;
  const end = () => {
    if (ended) return false;
    ended = true;
    clearInterval(keepAlive);
    abort.abort();
    slot.release();
    // Unsubscribing outlives the client's request.
    g.exec.waitUntil(Promise.all(parts.map((p) => p.cleanup())));
    return true;
  };
  return new ReadableStream<string>({
    start(controller) {
      const send = (chunk: string) => {
        if (!ended) controller.enqueue(chunk);
      };
      send(encodeSse(acknowledgment(id, honoured)));
      keepAlive = setInterval(() => send(":\n\n"), keepAliveMs);
      const pumps = parts.map((p) =>
        p.pump((n) => send(encodeSse(tagged(id, n.method, n.params))), abort.signal),
      );
      // Every upstream ended its share (or none could take any): the graceful end, then close.
      void Promise.all(pumps).then(() => {
        if (ended) return;
        send(encodeSse(closing(id)));
        if (end()) controller.close();
      });
    },
    cancel() {
      end();
    },
  });
}
