// A 2025-era upstream's share of a listen (ADR 0040): its standalone GET stream on the gateway's
// session for this agent (upstream-links.ts), `resources/subscribe` for each of its URIs, and only the
// notifications the client asked for. A second listen of the same agent finds that GET stream taken
// (one per session), so it gets a session of its own, ended with the listen. Server requests there
// cannot be asked of a 2026 client on a listen stream: the upstream gets an error, not a hang.
import { RPC } from "../protocol/jsonrpc";
import { readSse } from "../protocol/sse";
import { forward, MAX_UPSTREAM_MESSAGE_BYTES, readReply } from "../upstream/forward";
import { forgetListed } from "./catalog";
import { forwardOptions, type GatewayCtx, upstreamSessionId } from "./context";
import { openUpstream } from "./get-stream";
import type { Forwarded, ListenPart, PartWant } from "./listen-part";
import { isServerRequest, parseData, wanted } from "./listen-part";
import { initializeUpstream } from "./upstream-links";

type Upstream = GatewayCtx["tenant"]["upstreams"][number];

const NO_SERVER_REQUESTS = {
  code: RPC.METHOD_NOT_FOUND,
  message: "The client (MCP 2026-07-28, subscriptions/listen) takes no server requests",
};

// Subscriptions on a shared session, counted per isolate: the last listen to leave unsubscribes.
const subscribers = new Map<string, number>();

/** The context with `sessionId` as this upstream's session (a session opened for one listen). */
function onSession(g: GatewayCtx, u: Upstream, sessionId: string | null): GatewayCtx {
  const link = g.links?.[u.id];
  if (!link) return g;
  return { ...g, links: { ...g.links, [u.id]: { ...link, sessionId } } };
}

/** One request to the upstream on the part's session; whether it answered with a result. */
async function ask(g: GatewayCtx, u: Upstream, method: string, params: unknown, detached = false) {
  const id = `tgl-${method}-${crypto.randomUUID()}`;
  const opts = { ...forwardOptions(g, u.id), ...(detached ? { signal: undefined } : {}) };
  const sent = await forward(u, JSON.stringify({ jsonrpc: "2.0", id, method, params }), opts);
  if (!sent.ok) return false;
  const reply = await readReply(sent.response, id);
  return reply.ok && "result" in reply.message;
}

/** Sends one message that wants no answer (a JSON-RPC response, a DELETE), detached from the client. */
async function tell(g: GatewayCtx, u: Upstream, body: unknown, method: "POST" | "DELETE" = "POST") {
  const opts = { ...forwardOptions(g, u.id), signal: undefined, method };
  const sent = await forward(u, body === null ? null : JSON.stringify(body), opts).catch(() => null);
  if (sent?.ok) await sent.response.body?.cancel().catch(() => undefined);
}

export async function openLegacyPart(
  g: GatewayCtx,
  u: Upstream,
  want: PartWant,
  stop: AbortSignal,
): Promise<ListenPart | null> {
  let on = g;
  let own = false;
  let res = await openUpstream(on, u, null, stop);
  // 405: the upstream offers no GET stream at all, so another session would not have one either.
  if (res === 405) return null;
  if (!res) {
    // The shared session's GET stream is taken (409) or gone (404): a session for this listen.
    const made = await initializeUpstream(g, u);
    if ("error" in made || made.modern || !made.sessionId) return null;
    on = onSession(g, u, made.sessionId);
    own = true;
    res = await openUpstream(on, u, null, stop);
    if (res === null || res === 405) {
      await tell(on, u, null, "DELETE");
      return null;
    }
  }
  const session = upstreamSessionId(on, u.id) ?? "";
  const base = `${g.tenant.orgId}|${g.tenant.agent.id}|${u.id}|${session}|`;
  const uris = new Map<string, string>();
  for (const [upstreamUri, clientUri] of want.uris) {
    // An upstream that refuses the subscription (unknown URI, no subscribe) does not own it.
    if (!(await ask(on, u, "resources/subscribe", { uri: upstreamUri }))) continue;
    uris.set(upstreamUri, clientUri);
    if (!own) subscribers.set(base + upstreamUri, (subscribers.get(base + upstreamUri) ?? 0) + 1);
  }
  const honoured: PartWant = { flags: want.flags, uris };
  const body = res.body!;
  return {
    upstreamId: u.id,
    honoured: { flags: want.flags, clientUris: [...uris.values()] },
    pump: (emit, halt) => pumpGetStream(on, u, body, honoured, emit, halt),
    cleanup: () => (own ? tell(on, u, null, "DELETE") : unsubscribe(on, u, base, [...uris.keys()])),
  };
}

/** Relays the notifications asked for; answers server requests with an error so they never hang. */
async function pumpGetStream(
  on: GatewayCtx,
  u: Upstream,
  body: ReadableStream<Uint8Array>,
  want: PartWant,
  emit: (n: Forwarded) => void,
  halt: AbortSignal,
): Promise<void> {
  try {
    for await (const event of readSse(body, MAX_UPSTREAM_MESSAGE_BYTES)) {
      if (halt.aborted) return;
      const message = parseData(event.data);
      if (isServerRequest(message)) {
        on.exec.waitUntil(tell(on, u, { jsonrpc: "2.0", id: message.id, error: NO_SERVER_REQUESTS }));
        continue;
      }
      const out = wanted(want, message);
      if (!out) continue;
      if (out.method === "notifications/tools/list_changed") forgetListed(u.id);
      emit(out);
    }
  } catch {
    // the upstream broke the stream, or the listen ended (stop): the part is over either way
  }
}

/** On the shared session, the last listen of a URI to leave unsubscribes it (best effort). */
async function unsubscribe(on: GatewayCtx, u: Upstream, base: string, upstreamUris: string[]) {
  for (const upstreamUri of upstreamUris) {
    const key = base + upstreamUri;
    const left = (subscribers.get(key) ?? 1) - 1;
    if (left > 0) {
      subscribers.set(key, left);
      continue;
    }
    subscribers.delete(key);
    await ask(on, u, "resources/unsubscribe", { uri: upstreamUri }, true).catch(() => false);
  }
}
