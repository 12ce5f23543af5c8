// A 2025-era client made of raw requests, for the attacks an SDK client would never make: it
// initializes, then reads a call's SSE stream event by event, so a test can see the gateway's
// relayed server request and answer it from another session, twice, or never.
import { exports } from "cloudflare:workers";
import { readSse, type SseEvent } from "../../src/protocol/sse";

const VERSION = "2025-11-25";
let nextId = 1;

export type RawSession = { url: string; session: string };

function headers(s: RawSession | null): Record<string, string> {
  return {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": VERSION,
    ...(s ? { "mcp-session-id": s.session } : {}),
  };
}

export async function rawInitialize(url: string, capabilities: Record<string, unknown>): Promise<RawSession> {
  const res = await exports.default.fetch(url, {
    method: "POST",
    headers: headers(null),
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: nextId++,
      method: "initialize",
      params: { protocolVersion: VERSION, capabilities, clientInfo: { name: "raw-2025", version: "1" } },
    }),
  });
  await res.text();
  const session = res.headers.get("mcp-session-id");
  if (!session) throw new Error(`initialize answered ${res.status} without a session`);
  const s = { url, session };
  await rawPost(s, { jsonrpc: "2.0", method: "notifications/initialized" });
  return s;
}

export async function rawPost(s: RawSession, body: unknown): Promise<Response> {
  const res = await exports.default.fetch(s.url, {
    method: "POST",
    headers: headers(s),
    body: JSON.stringify(body),
  });
  return res;
}

/** A tools/call whose stream is read one event at a time. */
export async function rawCall(s: RawSession, name: string, args: Record<string, unknown>) {
  const res = await rawPost(s, {
    jsonrpc: "2.0",
    id: nextId++,
    method: "tools/call",
    params: { name, arguments: args },
  });
  const events = readSse(res.body!)[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown> | null> => {
    const e = (await events.next()) as IteratorResult<SseEvent>;
    return e.done ? null : (JSON.parse(e.value.data) as Record<string, unknown>);
  };
  return { res, next };
}

/** The client's JSON-RPC answer to a server request, posted on session `s`. */
export async function rawAnswer(s: RawSession, id: unknown, result: unknown): Promise<number> {
  const res = await rawPost(s, { jsonrpc: "2.0", id, result });
  await res.text();
  return res.status;
}
