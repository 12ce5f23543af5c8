// Server-Sent Events framing for MCP Streamable HTTP: parse an upstream stream into events and
// write events back. Only `event`, `data` and `id` fields matter to MCP.
import { createParser } from "eventsource-parser";

export type SseEvent = { event: string | null; data: string; id: string | null };

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
  const parser = createParser({
    onEvent: (e) => ready.push({ event: e.event ?? null, data: e.data, id: e.id ?? null }),
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
  const head = `${event.event ? `event: ${field(event.event)}\n` : ""}${event.id ? `id: ${field(event.id)}\n` : ""}`;
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
