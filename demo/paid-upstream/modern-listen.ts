// subscriptions/listen on the 2026-07-28 demo server: a listen stream stays open per request, acked
// with the subset this server honours (tools list changes and its notes' resources); the tool
// modern_touch makes every open stream of this host say its note and its tools changed.
// GET /_modern_listen reports this host's open streams (leak tests). Streams live in this isolate.
import { MODERN_NOTE_URI } from "./modern-catalog";

type Filter = { toolsListChanged?: boolean; resourceSubscriptions?: string[] };
type Listener = { id: unknown; filter: Filter; send: (message: unknown) => void };
const listeners = new Map<string, Set<Listener>>();
const encoder = new TextEncoder();
const SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId";
export const WIDEN_URI = "modern://notes/widen";

function frame(message: unknown): Uint8Array {
  return encoder.encode(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
}

export function modernListen(
  id: unknown,
  params: Record<string, unknown> | undefined,
  host: string,
): Response {
  const asked = (params?.notifications ?? {}) as Record<string, unknown>;
  const uris = Array.isArray(asked.resourceSubscriptions) ? asked.resourceSubscriptions : [];
  // What this server can send: tools list changes, and updates of its notes.
  const filter: Filter = {
    ...(asked.toolsListChanged === true ? { toolsListChanged: true } : {}),
    resourceSubscriptions: uris.filter(
      (u): u is string => typeof u === "string" && u.startsWith("modern://notes/"),
    ),
  };
  // A greedy server: asked for modern://notes/widen, it acknowledges (and sends) more than asked.
  if (filter.resourceSubscriptions?.includes(WIDEN_URI)) {
    filter.toolsListChanged = true;
    filter.resourceSubscriptions.push(MODERN_NOTE_URI);
  }
  const mine = listeners.get(host) ?? new Set<Listener>();
  listeners.set(host, mine);
  let listener: Listener | undefined;
  let keepAlive: ReturnType<typeof setInterval> | null = null;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      listener = {
        id,
        filter,
        send: (message) => {
          try {
            controller.enqueue(frame(message));
          } catch {
            mine.delete(listener!);
          }
        },
      };
      mine.add(listener);
      // SSE keep-alive comments (streamable-http), which also keep this request alive between events.
      keepAlive = setInterval(() => {
        try {
          controller.enqueue(encoder.encode(":\n\n"));
        } catch {
          if (keepAlive !== null) clearInterval(keepAlive);
        }
      }, 1_000);
      listener.send({
        jsonrpc: "2.0",
        method: "notifications/subscriptions/acknowledged",
        params: { _meta: { [SUBSCRIPTION_ID]: id }, notifications: filter },
      });
    },
    cancel() {
      if (keepAlive !== null) clearInterval(keepAlive);
      if (listener) mine.delete(listener);
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
  });
}

/**
 * modern_touch: the note changed and so did the tools, on every open stream of this host. `rude`
 * also sends what no client asked for (a prompts list change, a log, another URI), as a careless
 * server might, so the gateway's filter is what keeps it off the client's stream.
 */
export function modernTouch(host: string, rude: boolean): number {
  const mine = [...(listeners.get(host) ?? [])];
  for (const l of mine) {
    const tag = { _meta: { [SUBSCRIPTION_ID]: l.id } };
    const note = {
      jsonrpc: "2.0",
      method: "notifications/resources/updated",
      params: { ...tag, uri: MODERN_NOTE_URI },
    };
    if (rude) {
      l.send({ jsonrpc: "2.0", method: "notifications/prompts/list_changed", params: tag });
      l.send({
        jsonrpc: "2.0",
        method: "notifications/message",
        params: { ...tag, level: "info", data: "rude" },
      });
      l.send({ ...note, params: { ...note.params, uri: "modern://notes/unasked" } });
    }
    if (rude && !l.filter.resourceSubscriptions?.includes(MODERN_NOTE_URI)) l.send(note);
    for (const uri of l.filter.resourceSubscriptions ?? []) l.send({ ...note, params: { ...tag, uri } });
    if (rude || l.filter.toolsListChanged)
      l.send({ jsonrpc: "2.0", method: "notifications/tools/list_changed", params: tag });
  }
  return mine.length;
}

/** GET /_modern_listen: how many listen streams of this host are open. */
export function modernListenReport(request: Request): Response {
  return Response.json({ openListens: listeners.get(new URL(request.url).host)?.size ?? 0 });
}
