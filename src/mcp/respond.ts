// Building client responses: plain JSON, or an SSE stream that relays upstream events (progress,
// server requests) as they arrive and ends with the gateway's final answer.
import { type JsonRpcId, RPC, rpcError } from "../protocol/jsonrpc";
import { encodeEvent, encodeSse, SSE_HEADERS, type SseEvent } from "../protocol/sse";

export function jsonResponse(message: unknown, headers?: HeadersInit, status = 200): Response {
  const h = new Headers(headers);
  h.set("content-type", "application/json");
  return new Response(JSON.stringify(message), { status, headers: h });
}

export type Emit = (event: SseEvent) => void;

/**
 * Streams SSE to the client: `work` may emit relayed events, then returns the final message.
 * The Worker stays alive while the stream is open, so ledger calls inside `work` complete.
 * If `work` throws, the stream ends with a JSON-RPC error for `requestId` instead of closing silently.
 */
export function sseResponse(
  work: (emit: Emit) => Promise<unknown>,
  headers?: HeadersInit,
  requestId: JsonRpcId | null = null,
): Response {
  const { readable, writable } = new TransformStream<string, string>();
  const writer = writable.getWriter();
  const emit: Emit = (event) => {
    void writer.write(encodeEvent(event)).catch(() => undefined);
  };
  void (async () => {
    try {
      const final = await work(emit);
      await writer.write(encodeSse(final));
    } catch (err) {
      console.error("sse work failed", err instanceof Error ? err.message : "error");
      const failed = rpcError(requestId, RPC.INTERNAL_ERROR, "Internal error: the gateway failed mid-answer");
      await writer.write(encodeSse(failed)).catch(() => undefined);
    } finally {
      await writer.close().catch(() => undefined);
    }
  })();
  const h = new Headers(headers);
  for (const [k, v] of Object.entries(SSE_HEADERS)) h.set(k, v);
  return new Response(readable.pipeThrough(new TextEncoderStream()), { status: 200, headers: h });
}

/** Answer with SSE when the upstream streamed (so relayed progress keeps flowing), else JSON. */
export async function answer(
  preferSse: boolean,
  work: (emit: Emit) => Promise<unknown>,
  headers?: HeadersInit,
  requestId: JsonRpcId | null = null,
): Promise<Response> {
  if (preferSse) return sseResponse(work, headers, requestId);
  const final = await work(() => undefined);
  return jsonResponse(final, headers);
}
