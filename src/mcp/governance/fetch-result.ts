// How tollgate_fetch hands an HTTP answer to the agent: a summary line, the body as text when it is
// text (binary as an embedded base64 resource), a short list of headers, and what Tollgate paid.
import type { HttpReply } from "../../upstream/http-request";

/** The largest response body tollgate_fetch reads and returns; the rest is cut off (and said so). */
export const MAX_FETCH_RESPONSE_BYTES = 1024 * 1024;

/** Headers worth showing an agent; payment and cookie headers are the gateway's business. */
const SHOWN_HEADERS = [
  "content-type",
  "content-length",
  "content-language",
  "content-disposition",
  "cache-control",
  "etag",
  "last-modified",
  "location",
  "retry-after",
];
const TEXT_TYPE =
  /^text\/|[/+](json|xml|javascript|ecmascript|yaml|csv|graphql)\b|x-www-form-urlencoded|^application\/problem/i;

export function fetchResult(url: string, reply: HttpReply, payment: Record<string, unknown> | null) {
  const { status, body, truncated } = reply;
  const headers: Record<string, string> = {};
  for (const name of SHOWN_HEADERS) {
    const value = reply.headers.get(name);
    if (value !== null) headers[name] = value.slice(0, 2048);
  }
  const contentType = headers["content-type"] ?? null;
  const text = asText(body, contentType);
  const redirect = status >= 300 && status < 400 ? (headers.location ?? null) : null;
  const notes = [
    redirect ? `redirect to ${redirect} (not followed)` : null,
    truncated
      ? `only the first ${body.byteLength} bytes: the response exceeds the ${MAX_FETCH_RESPONSE_BYTES}-byte cap`
      : null,
    text === null && body.byteLength > 0
      ? `binary body, ${body.byteLength} bytes (${contentType ?? "no content-type"}), attached as base64`
      : null,
  ].filter((n) => n !== null);
  const summary = `HTTP ${status}${notes.length ? `; ${notes.join("; ")}` : ""}`;
  const content: unknown[] = [{ type: "text", text: summary }];
  if (text !== null && text.length > 0) content.push({ type: "text", text });
  if (text === null && body.byteLength > 0)
    content.push({
      type: "resource",
      resource: { uri: url, mimeType: contentType ?? "application/octet-stream", blob: base64(body) },
    });
  return {
    content,
    structuredContent: {
      status,
      headers,
      bytes: body.byteLength,
      truncated,
      binary: text === null && body.byteLength > 0,
      redirect,
      payment,
    },
    ...(payment ? { _meta: { "tollgate/payment": payment } } : {}),
  };
}

/** The body as text when its type says text (or, untyped, when it is valid UTF-8); null for binary. */
export function asText(body: Uint8Array, contentType: string | null): string | null {
  if (contentType !== null && TEXT_TYPE.test(contentType)) return new TextDecoder().decode(body);
  if (contentType !== null) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(body);
  } catch {
    return null;
  }
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
