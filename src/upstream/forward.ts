// Forwarding one JSON-RPC message to one upstream MCP server, and reading its reply (JSON or SSE).
// The client's key or token is never forwarded; the upstream's own credentials are added here.

import { checkOutboundUrl } from "../net/private-address";
import { readBodyText } from "../net/read-limited";
import { toModernRequest } from "../protocol/eras";
import type { JsonRpcId, JsonRpcResponse } from "../protocol/jsonrpc";
import { JsonRpcResponse as ResponseSchema } from "../protocol/jsonrpc";
import { readSse, type SseEvent, SseEventTooLarge } from "../protocol/sse";
import { type TraceContext, traceparentOf } from "../trace/context";

/** The largest single upstream message (a JSON body, or one SSE event) the gateway reads. */
export const MAX_UPSTREAM_MESSAGE_BYTES = 4 * 1024 * 1024;
/** The most an upstream SSE stream may send in all (relayed progress plus the answer). */
export const MAX_UPSTREAM_STREAM_BYTES = 16 * 1024 * 1024;

export type ReadLimits = { messageBytes: number; streamBytes: number };
const DEFAULT_LIMITS: ReadLimits = {
  messageBytes: MAX_UPSTREAM_MESSAGE_BYTES,
  streamBytes: MAX_UPSTREAM_STREAM_BYTES,
};

class ReplyTooLarge extends Error {
  override name = "ReplyTooLarge";
}

export type UpstreamTarget = {
  id: string;
  namespace: string;
  url: string;
  headers: Record<string, string>;
};

export type ForwardOptions = {
  sessionId: string | null;
  protocolVersion: string | null;
  lastEventId?: string | null;
  timeoutMs: number;
  allowPrivate: boolean;
  signal?: AbortSignal | undefined;
  method?: "POST" | "GET" | "DELETE";
  /** W3C trace context to pass on (trace/context.ts): the gateway's span as the upstream's parent. */
  trace?: TraceContext | null;
  /** The upstream speaks 2026-07-28: no session; the body gets its _meta, the headers mirror it. */
  modern?: { capabilities: Record<string, unknown> } | undefined;
};

const GATEWAY_CLIENT = { name: "tollgate", version: "0.1.0" };

export type ForwardResult =
  | { ok: true; response: Response }
  | { ok: false; error: "timeout" | "network" | "blocked_url"; message: string };

export async function forward(
  target: UpstreamTarget,
  body: string | null,
  opts: ForwardOptions,
): Promise<ForwardResult> {
  const check = checkOutboundUrl(target.url, opts.allowPrivate);
  if (!check.ok) return { ok: false, error: "blocked_url", message: `upstream URL refused: ${check.reason}` };
  const headers = new Headers();
  for (const [k, v] of Object.entries(target.headers)) headers.set(k, v);
  headers.set("accept", "application/json, text/event-stream");
  if (body !== null) headers.set("content-type", "application/json");
  if (opts.modern && body !== null) {
    const shaped = toModernRequest(body, opts.modern.capabilities, GATEWAY_CLIENT);
    body = shaped.body;
    for (const [k, v] of Object.entries(shaped.headers)) headers.set(k, v);
  } else {
    if (opts.sessionId) headers.set("mcp-session-id", opts.sessionId);
    if (opts.protocolVersion) headers.set("mcp-protocol-version", opts.protocolVersion);
  }
  if (opts.lastEventId) headers.set("last-event-id", opts.lastEventId);
  if (opts.trace) {
    headers.set("traceparent", traceparentOf(opts.trace));
    if (opts.trace.state) headers.set("tracestate", opts.trace.state);
  }
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  try {
    const response = await fetch(check.url, {
      method: opts.method ?? "POST",
      headers,
      body,
      signal,
      redirect: "manual",
    });
    return { ok: true, response };
  } catch (err) {
    if (timeout.aborted)
      return { ok: false, error: "timeout", message: `upstream did not answer within ${opts.timeoutMs} ms` };
    return {
      ok: false,
      error: "network",
      message: `upstream unreachable: ${err instanceof Error ? err.name : "error"}`,
    };
  }
}

export type Reply =
  | { ok: true; message: JsonRpcResponse; sse: boolean }
  | {
      ok: false;
      error: "bad_status" | "not_mcp" | "no_response" | "timeout" | "network" | "too_large";
      message: string;
      status?: number;
    };

/**
 * Reads the reply to request `id`. For SSE, every other event (progress, server requests) is handed
 * to `onOther` as it arrives so it can reach the client before the final answer.
 */
export async function readReply(
  response: Response,
  id: JsonRpcId,
  onOther?: (event: SseEvent) => void,
  limits: ReadLimits = DEFAULT_LIMITS,
): Promise<Reply> {
  if (response.status >= 300) {
    await response.body?.cancel();
    return {
      ok: false,
      error: "bad_status",
      message: `upstream answered HTTP ${response.status}`,
      status: response.status,
    };
  }
  const type = response.headers.get("content-type") ?? "";
  try {
    if (type.includes("text/event-stream") && response.body) {
      const counted = response.body.pipeThrough(byteCap(limits.streamBytes));
      for await (const event of readSse(counted, limits.messageBytes)) {
        const message = matchResponse(event.data, id);
        if (message) return { ok: true, message, sse: true };
        onOther?.(event);
      }
      return { ok: false, error: "no_response", message: "upstream closed the stream without answering" };
    }
    const text = await readText(response, limits.messageBytes);
    const message = matchResponse(text, id);
    if (message) return { ok: true, message, sse: false };
    return {
      ok: false,
      error: "not_mcp",
      message: "upstream answered something that is not a JSON-RPC response",
    };
  } catch (err) {
    if (err instanceof ReplyTooLarge || err instanceof SseEventTooLarge) {
      return { ok: false, error: "too_large", message: err.message };
    }
    const name = err instanceof Error ? err.name : "";
    if (name === "TimeoutError" || name === "AbortError") {
      return { ok: false, error: "timeout", message: "upstream stopped answering mid-response" };
    }
    return { ok: false, error: "network", message: "upstream connection failed mid-response" };
  }
}

/** Passes bytes through until `limit`, then fails the stream (and cancels the upstream). */
function byteCap(limit: number): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > limit) controller.error(new ReplyTooLarge(`upstream stream exceeds ${limit} bytes`));
      else controller.enqueue(chunk);
    },
  });
}

/** The body as text, refusing more than `limit` bytes (a Content-Length over it is refused unread). */
async function readText(response: Response, limit: number): Promise<string> {
  const text = await readBodyText(response, limit);
  if (text === null) throw new ReplyTooLarge(`upstream reply exceeds ${limit} bytes`);
  return text;
}

function matchResponse(text: string, id: JsonRpcId): JsonRpcResponse | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = ResponseSchema.safeParse(value);
  if (!parsed.success || parsed.data.id !== id) return null;
  return parsed.data;
}
