// Reading a body with a byte cap, for client requests and upstream replies alike: stops (and cancels
// the sender) as soon as the cap is passed instead of buffering whatever arrives.

/**
 * A request's or response's body as UTF-8 text, or null past `limit` bytes. A body whose declared
 * Content-Length fits, without a Content-Encoding (whose decoded size that length does not bound),
 * is read in one native call: the runtime never delivers more bytes than the length it framed.
 * Anything else is read chunk by chunk against the cap.
 */
export async function readBodyText(message: Request | Response, limit: number): Promise<string | null> {
  const declared = message.headers.get("content-length");
  const length = declared !== null && /^\d{1,15}$/.test(declared) ? Number(declared) : null;
  if (length !== null && length > limit) {
    await message.body?.cancel().catch(() => undefined);
    return null;
  }
  if (length !== null && !message.headers.has("content-encoding")) return message.text();
  return readTextLimited(message.body, limit);
}

/** The stream as UTF-8 text, or null once it passes `limit` bytes. A missing body is "". */
async function readTextLimited(body: ReadableStream<Uint8Array> | null, limit: number) {
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

/**
 * The stream's first `limit` bytes, and whether more followed (the rest is cancelled, not read): for
 * answers worth returning in part, such as a paid HTTP response too large to hand back whole.
 */
export async function readBytesCapped(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  if (!body) return { bytes: new Uint8Array(0), truncated: false };
  const reader = body.getReader();
  const all = new Uint8Array(limit);
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return { bytes: all.slice(0, size), truncated: false };
    const room = limit - size;
    all.set(value.subarray(0, room), size);
    size += Math.min(room, value.byteLength);
    if (value.byteLength > room) {
      await reader.cancel().catch(() => undefined);
      return { bytes: all.slice(0, size), truncated: true };
    }
  }
}
