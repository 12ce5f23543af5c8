// Server-Sent Events framing for MCP Streamable HTTP: parse an upstream stream into events and
// write events back. Only `event`, `data` and `id` fields matter to MCP.
export type SseEvent = { event: string | null; data: string; id: string | null };

/** Thrown by readSse when one event grows past its cap (an upstream that never ends an event). */
export class SseEventTooLarge extends Error {
  override name = "SseEventTooLarge";
}

export async function* readSse(
  body: ReadableStream<Uint8Array>,
  maxEventChars = Number.POSITIVE_INFINITY,
): AsyncGenerator<SseEvent> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  const tooLarge = async () => {
    await reader.cancel().catch(() => undefined);
    return new SseEventTooLarge(`an upstream SSE event exceeds ${maxEventChars} characters`);
  };
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      // Only the new text (and 3 characters before it, for a boundary split across chunks) is scanned.
      let from = Math.max(0, buffer.length - 3);
      buffer += value;
      let sep = findBoundary(buffer, from);
      while (sep) {
        const block = buffer.slice(0, sep.index);
        if (block.length > maxEventChars) throw await tooLarge();
        buffer = buffer.slice(sep.index + sep.length);
        const ev = parseBlock(block);
        if (ev) yield ev;
        from = 0;
        sep = findBoundary(buffer, from);
      }
      // What is left is one event in progress.
      if (buffer.length > maxEventChars) throw await tooLarge();
    }
    const last = parseBlock(buffer);
    if (last) yield last;
  } finally {
    reader.releaseLock();
  }
}

function findBoundary(s: string, from: number): { index: number; length: number } | null {
  const re = /\r?\n\r?\n/g;
  re.lastIndex = from;
  const m = re.exec(s);
  return m ? { index: m.index, length: m[0].length } : null;
}

function parseBlock(block: string): SseEvent | null {
  let event: string | null = null;
  let id: string | null = null;
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (!line || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") data.push(value);
    else if (field === "event") event = value;
    else if (field === "id") id = value;
  }
  if (data.length === 0) return null;
  return { event, data: data.join("\n"), id };
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
