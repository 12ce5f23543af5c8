// Reading a body with a byte cap, for client requests and upstream replies alike: stops (and cancels
// the sender) as soon as the cap is passed instead of buffering whatever arrives.

/** The stream as UTF-8 text, or null once it passes `limit` bytes. A missing body is "". */
export async function readTextLimited(body: ReadableStream<Uint8Array> | null, limit: number) {
  if (!body) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.byteLength;
  }
  return new TextDecoder().decode(all);
}
