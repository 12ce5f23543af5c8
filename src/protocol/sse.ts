// Server-Sent Events framing for MCP Streamable HTTP: parse an upstream stream into events and
// write events back. `event`, `data` and `id` carry MCP; `retry` (the reconnection delay a 2025-11-25
// server sends with its priming event, SEP-1699) is kept with the event it came in, so it is relayed.
import { createParser } from "eventsource-parser";

export type SseEvent = { event: string | null; data: string; id: string | null; retry?: number };

/** Thrown by readSse when one event grows past its cap (an upstream that never ends an event). */
export class SseEventTooLarge extends Error {
  override name = "SseEventTooLarge";
}

/**
 * The events of an upstream stream, parsed by eventsource-parser (the WHATWG rules: CR, LF and CRLF
 * line ends, multi-line data, comments, incremental over chunks). An event that grows past
 * `maxEventChars` cancels the stream and throws SseEventTooLarge.
 */
export async function* readSse(
  body: ReadableStream<Uint8Array>,
  maxEventChars = Number.POSITIVE_INFINITY,
): AsyncGenerator<SseEvent> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  const ready: SseEvent[] = [];
  let overflow = false;
  // eventsource-parser reports `retry:` apart from events; it belongs to the event being read.
  let retry: number | undefined;
  const parser = createParser({
    onEvent: (e) => {
      ready.push({
        event: e.event ?? null,
        data: e.data,
        id: e.id ?? null,
        ...(retry !== undefined ? { retry } : {}),
      });
      retry = undefined;
    },
    onRetry: (ms) => {
      retry = ms;
    },
    onError: (err) => {
      if (err.type === "max-buffer-size-exceeded") overflow = true;
    },
    ...(Number.isFinite(maxEventChars) ? { maxBufferSize: maxEventChars } : {}),
  });
  const tooLarge = async () => {
    await reader.cancel().catch(() => undefined);
    return new SseEventTooLarge(`an upstream SSE event exceeds ${maxEventChars} characters`);
  };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(value);
      if (overflow) throw await tooLarge();
      while (ready.length > 0) {
        const ev = ready.shift()!;
        if (ev.data.length > maxEventChars) throw await tooLarge();
        yield ev;
      }
    }
    // A last event without its blank line still counts (servers that close right after writing).
    parser.feed("\n\n");
    for (const ev of ready) yield ev;
  } finally {
    reader.releaseLock();
  }
}

export function encodeSse(message: unknown, id?: string | null): string {
  return encodeEvent({ event: "message", data: JSON.stringify(message), id: id ?? null });
}

/**
 * One SSE event on the wire: every line of `data` becomes its own `data:` line (the reader joins them
 * with "\n"), and line breaks are dropped from `event` and `id` so a value cannot start a new field.
 */
export function encodeEvent(event: SseEvent): string {
  const field = (v: string) => v.replace(/[\r\n]/g, "");
  const retry =
    event.retry !== undefined && Number.isSafeInteger(event.retry) && event.retry >= 0
      ? `retry: ${event.retry}\n`
      : "";
  const head = `${event.event ? `event: ${field(event.event)}\n` : ""}${event.id ? `id: ${field(event.id)}\n` : ""}${retry}`;
  const data = event.data
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}\n`)
    .join("");
  return `${head}${data}\n`;
}

export const SSE_HEADERS = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
} as const;
