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

/**
 * The id the client sees for upstream `upstreamId`'s request `id`. With `sessionTag` (requests
 * relayed on a session's GET stream) the id is bound to that gateway session: only it may answer.
 */
export function gatewayRequestId(upstreamId: string, id: JsonRpcId, sessionTag?: string | null): string {
  const tag = sessionTag ? `${sessionTag}.` : "";
  return `${PREFIX}${upstreamId}.${tag}${base64url(utf8.encode(JSON.stringify(id)))}`;
}

/**
 * The tag binding a relayed request to gateway session `session`: part of the session's random
 * nonce, which only that session's client holds (in its Mcp-Session-Id); never sent upstream.
 */
export function sessionTag(session: SessionPayload | null): string | null {
  const hex = session?.n.replace(/[^0-9a-f]/gi, "") ?? "";
  return hex.length >= 16 ? hex.slice(0, 16) : null;
}

/** The upstream, its own id and any session tag behind a gateway request id; null if not ours. */
export function upstreamRequestId(
  id: JsonRpcId | null,
): { upstreamId: string; id: JsonRpcId; tag?: string } | null {
  if (typeof id !== "string" || !id.startsWith(PREFIX)) return null;
  const parts = id.slice(PREFIX.length).split(".");
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
    if (!isRequest || (typeof m.id !== "string" && typeof m.id !== "number")) return emit(event);
    emit({ ...event, data: JSON.stringify({ ...m, id: gatewayRequestId(upstreamId, m.id, tag) }) });
  };
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
