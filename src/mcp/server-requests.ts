// Requests an upstream sends the client (elicitation, sampling, roots) travel inside a call's SSE
// stream. Their ids are rewritten to name the upstream that asked, so the client's answer goes back
// to that upstream only: never broadcast, never to an upstream that did not ask.
import { base64url, fromBase64url, utf8 } from "../auth/encoding";
import type { JsonRpcId } from "../protocol/jsonrpc";
import type { SseEvent } from "../protocol/sse";
import { forward } from "../upstream/forward";
import type { GatewayCtx } from "./context";
import { forwardOptions } from "./context";
import { gatewayEventId, type StreamKind } from "./event-ids";
import type { Emit } from "./respond";
import type { SessionPayload } from "./session";

const PREFIX = "tgu.";
/** Progress tokens of server requests name their upstream the same way (client progress goes back there). */
const TOKEN_PREFIX = "tgp.";

function named(prefix: string, upstreamId: string, id: JsonRpcId, tag: string | null = null): string {
  return `${prefix}${upstreamId}.${tag ? `${tag}.` : ""}${base64url(utf8.encode(JSON.stringify(id)))}`;
}

/**
 * The id the client sees for upstream `upstreamId`'s request `id`. With `sessionTag` (requests
 * relayed on a session's GET stream) the id is bound to that gateway session: only it may answer.
 */
export function gatewayRequestId(upstreamId: string, id: JsonRpcId, sessionTag?: string | null): string {
  return named(PREFIX, upstreamId, id, sessionTag ?? null);
}

/**
 * The tag binding a relayed request to gateway session `session`: part of the session's random
 * nonce, which only that session's client holds (in its Mcp-Session-Id); never sent upstream.
 */
export function sessionTag(session: SessionPayload | null): string | null {
  const hex = session?.n.replace(/[^0-9a-f]/gi, "") ?? "";
  return hex.length >= 16 ? hex.slice(0, 16) : null;
}

type Unnamed = { upstreamId: string; id: JsonRpcId; tag?: string };

/** The upstream, its own id and any session tag behind a gateway request id; null if not ours. */
export function upstreamRequestId(id: JsonRpcId | null): Unnamed | null {
  return unnamed(PREFIX, id);
}

/** The upstream and its own progress token behind a token the gateway gave the client. */
export function upstreamProgressToken(token: unknown): Unnamed | null {
  return typeof token === "string" ? unnamed(TOKEN_PREFIX, token) : null;
}

// Upstream ids (`ups_<hex>`) hold no dot: `<upstream>.<b64 id>` or `<upstream>.<tag>.<b64 id>`.
function unnamed(prefix: string, id: JsonRpcId | null): Unnamed | null {
  if (typeof id !== "string" || !id.startsWith(prefix)) return null;
  const parts = id.slice(prefix.length).split(".");
  if (parts.length < 2 || parts.length > 3 || !parts[0]) return null;
  const bytes = fromBase64url(parts[parts.length - 1]!);
  if (bytes === null) return null;
  const tag = parts.length === 3 ? parts[1] : undefined;
  if (tag !== undefined && !/^[0-9a-f]{16}$/.test(tag)) return null;
  try {
    const original: unknown = JSON.parse(utf8.decode(bytes));
    if (typeof original === "string" || (typeof original === "number" && Number.isInteger(original)))
      return { upstreamId: parts[0], id: original, ...(tag ? { tag } : {}) };
  } catch {
    // not ours
  }
  return null;
}

/**
 * Relays one upstream's stream events to the client, renaming the ids of its server requests, and
 * the SSE event ids (namespaced by upstream and stream kind, so a Last-Event-ID finds its stream).
 */
export function relayFrom(
  upstreamId: string,
  emitRaw: Emit,
  kind: StreamKind = "post",
  tag: string | null = null,
): (event: SseEvent) => void {
  const emit: Emit = (event) =>
    emitRaw(event.id ? { ...event, id: gatewayEventId(kind, upstreamId, event.id) } : event);
  return (event) => {
    let message: unknown;
    try {
      message = JSON.parse(event.data);
    } catch {
      return emit(event);
    }
    const m = message as { id?: unknown; method?: unknown } | null;
    const isRequest =
      m !== null &&
      typeof m === "object" &&
      typeof m.method === "string" &&
      m.id !== undefined &&
      m.id !== null;
    if (!isRequest) {
      const cancelled = upstreamCancel(upstreamId, message, tag);
      return emit(cancelled ? { ...event, data: JSON.stringify(cancelled) } : event);
    }
    if (typeof m.id !== "string" && typeof m.id !== "number") return emit(event);
    const renamed = { ...m, id: gatewayRequestId(upstreamId, m.id, tag) };
    emit({ ...event, data: JSON.stringify(withProgressToken(upstreamId, renamed)) });
  };
}

type Message = Record<string, unknown> & { params?: unknown };

/** A server request's progress token, renamed so the client's progress on it goes to this upstream. */
function withProgressToken(upstreamId: string, m: Message): Message {
  const params = m.params as { _meta?: { progressToken?: unknown } } | undefined;
  const token = params?._meta?.progressToken;
  if (typeof token !== "string" && typeof token !== "number") return m;
  const progressToken = named(TOKEN_PREFIX, upstreamId, token);
  return { ...m, params: { ...params, _meta: { ...params?._meta, progressToken } } };
}

/** An upstream cancelling its own server request names it as the client knows it; null otherwise. */
function upstreamCancel(upstreamId: string, message: unknown, tag: string | null): Message | null {
  const m = message as Message | null;
  if (m === null || typeof m !== "object" || m.method !== "notifications/cancelled") return null;
  const params = m.params as { requestId?: unknown } | undefined;
  const id = params?.requestId;
  if (typeof id !== "string" && typeof id !== "number") return null;
  return { ...m, params: { ...params, requestId: gatewayRequestId(upstreamId, id, tag) } };
}

export type RoutedAnswer = { ok: true } | { ok: false; message: string };

/** Sends the client's answer to a server request to the upstream that asked, with its own id back. */
export async function answerUpstream(
  g: GatewayCtx,
  message: Record<string, unknown> & { id: JsonRpcId | null },
): Promise<RoutedAnswer> {
  const target = upstreamRequestId(message.id);
  const upstream = target && g.tenant.upstreams.find((u) => u.id === target.upstreamId);
  // A request relayed on a session's GET stream is answered from that session only (ADR 0035).
  const wrongSession = target?.tag !== undefined && target.tag !== sessionTag(g.session);
  if (!target || !upstream || wrongSession)
    return { ok: false, message: "this response answers no request the gateway relayed" };
  const sent = await forward(
    upstream,
    JSON.stringify({ ...message, id: target.id }),
    forwardOptions(g, upstream.id),
  );
  if (sent.ok) await sent.response.body?.cancel();
  return { ok: true };
}
