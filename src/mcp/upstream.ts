// Forwarding one JSON-RPC message to one upstream MCP server, and reading its reply (JSON or SSE).
// The client's key or token is never forwarded; the upstream's own credentials are added here.
import { checkOutboundUrl } from "../net/private-address";
import type { JsonRpcId, JsonRpcResponse } from "./jsonrpc";
import { JsonRpcResponse as ResponseSchema } from "./jsonrpc";
import { readSse, type SseEvent } from "./sse";

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
};

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
  if (opts.sessionId) headers.set("mcp-session-id", opts.sessionId);
  if (opts.protocolVersion) headers.set("mcp-protocol-version", opts.protocolVersion);
  if (opts.lastEventId) headers.set("last-event-id", opts.lastEventId);
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
      error: "bad_status" | "not_mcp" | "no_response" | "timeout" | "network";
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
      for await (const event of readSse(response.body)) {
        const message = matchResponse(event.data, id);
        if (message) return { ok: true, message, sse: true };
        onOther?.(event);
      }
      return { ok: false, error: "no_response", message: "upstream closed the stream without answering" };
    }
    const text = await response.text();
    const message = matchResponse(text, id);
    if (message) return { ok: true, message, sse: false };
    return {
      ok: false,
      error: "not_mcp",
      message: "upstream answered something that is not a JSON-RPC response",
    };
  } catch (err) {
    const name = err instanceof Error ? err.name : "";
    if (name === "TimeoutError" || name === "AbortError") {
      return { ok: false, error: "timeout", message: "upstream stopped answering mid-response" };
    }
    return { ok: false, error: "network", message: "upstream connection failed mid-response" };
  }
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
