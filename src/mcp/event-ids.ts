// SSE event ids the client sees: each upstream's own id, namespaced by the upstream and the kind of
// stream it came on, so a client's Last-Event-ID names the one upstream stream to resume (ADR 0035).
import { base64url, fromBase64url, utf8 } from "../auth/encoding";

const PREFIX = "tge1.";

/** "get": the upstream's standalone GET stream; "post": a stream answering one request. */
export type StreamKind = "get" | "post";

export function gatewayEventId(kind: StreamKind, upstreamId: string, id: string): string {
  return `${PREFIX}${kind === "get" ? "g" : "p"}.${upstreamId}.${base64url(utf8.encode(id))}`;
}

/** The stream kind, upstream and upstream event id behind a client's Last-Event-ID; null if not ours. */
export function upstreamEventId(
  id: string | null,
): { kind: StreamKind; upstreamId: string; id: string } | null {
  if (id === null || !id.startsWith(PREFIX) || id.length > 2048) return null;
  const m = /^([gp])\.([^.]+)\.([A-Za-z0-9_-]+)$/.exec(id.slice(PREFIX.length));
  if (!m) return null;
  const bytes = fromBase64url(m[3]!);
  if (bytes === null) return null;
  const original = utf8.decode(bytes);
  // Sent on as a header: printable ASCII only (what SSE servers use; anything else is not ours).
  if (!/^[\x20-\x7e]+$/.test(original)) return null;
  return { kind: m[1] === "g" ? "get" : "post", upstreamId: m[2]!, id: original };
}
