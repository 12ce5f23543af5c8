import { describe, expect, it } from "vitest";
import { readSse, SseEventTooLarge } from "../../src/protocol/sse";

function stream(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const chunk of chunks) c.enqueue(enc.encode(chunk));
      c.close();
    },
  });
}

async function all(body: ReadableStream<Uint8Array>, max?: number) {
  const out = [];
  for await (const e of readSse(body, max)) out.push(e);
  return out;
}

describe("readSse", () => {
  it("reads CR-only, LF and CRLF line ends, split anywhere across chunks", async () => {
    const text = 'event: message\rdata: {"a":1}\r\r: comment\n\ndata: x\r\ndata: y\r\nid: 7\r\n\r\n';
    const whole = await all(stream([text]));
    expect(whole).toEqual([
      { event: "message", data: '{"a":1}', id: null },
      { event: null, data: "x\ny", id: "7" },
    ]);
    const split = await all(stream(text.split("")));
    expect(split).toEqual(whole);
  });

  it("keeps a last event the server closed without a blank line", async () => {
    expect(await all(stream(["data: last"]))).toEqual([{ event: null, data: "last", id: null }]);
  });

  it("throws SseEventTooLarge for an event past its cap", async () => {
    await expect(all(stream([`data: ${"x".repeat(100)}\n\n`]), 50)).rejects.toBeInstanceOf(SseEventTooLarge);
  });
});
