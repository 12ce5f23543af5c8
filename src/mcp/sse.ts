// Server-Sent Events framing for MCP Streamable HTTP: parse an upstream stream into events and
// write events back. Only `event`, `data` and `id` fields matter to MCP.
export type SseEvent = { event: string | null; data: string; id: string | null };

export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let sep = findBoundary(buffer);
      while (sep) {
        const block = buffer.slice(0, sep.index);
        buffer = buffer.slice(sep.index + sep.length);
        const ev = parseBlock(block);
        if (ev) yield ev;
        sep = findBoundary(buffer);
      }
    }
    const last = parseBlock(buffer);
    if (last) yield last;
  } finally {
    reader.releaseLock();
  }
}

function findBoundary(s: string): { index: number; length: number } | null {
  const m = /\r?\n\r?\n/.exec(s);
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
  return `event: message\n${id ? `id: ${id}\n` : ""}data: ${JSON.stringify(message)}\n\n`;
}

export const SSE_HEADERS = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
} as const;
