// A 2026-07-28 client's subscriptions/listen, read as it streams: the SSE events of the gateway's
// answer parsed one by one from exports.default.fetch's body, each wait bounded by a timeout.
import { exports } from "cloudflare:workers";
import { readSse } from "../../src/protocol/sse";
import { type ModernOptions, modernRequest } from "./modern-client";

export type Message = {
  jsonrpc: "2.0";
  id?: unknown;
  method?: string;
  params?: Record<string, unknown> & { _meta?: Record<string, unknown> };
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
};

export type ListenStream = {
  status: number;
  id: unknown;
  /** JSON body when the answer was not a stream (a refusal). */
  refusal: Message | null;
  /** The next message; throws when none comes within `timeoutMs`; null when the stream ended. */
  next: (timeoutMs?: number) => Promise<Message | null>;
  close: () => Promise<void>;
};

export async function listen(
  url: string,
  notifications: unknown,
  opts: ModernOptions = {},
): Promise<ListenStream> {
  const { headers, body } = modernRequest("subscriptions/listen", { notifications }, opts);
  const res = await exports.default.fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
  const sse = (res.headers.get("content-type") ?? "").includes("text/event-stream");
  if (!sse || !res.body) {
    const text = await res.text();
    return {
      status: res.status,
      id: body.id,
      refusal: text ? (JSON.parse(text) as Message) : null,
      next: async () => null,
      close: async () => undefined,
    };
  }
  // Our own reader, so closing cancels the gateway's stream (readSse's pipe holds the body locked).
  const reader = res.body.getReader();
  const source = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
  });
  const events = readSse(source)[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<{ data: string }>> | null = null;
  return {
    status: res.status,
    id: body.id,
    refusal: null,
    next: async (timeoutMs = 3_000) => {
      pending ??= events.next();
      let timer: ReturnType<typeof setTimeout> | null = null;
      const timeout = new Promise<"timeout">((r) => {
        timer = setTimeout(() => r("timeout"), timeoutMs);
      });
      const got = await Promise.race([pending, timeout]);
      if (timer !== null) clearTimeout(timer);
      if (got === "timeout") throw new Error(`no listen message within ${timeoutMs} ms`);
      pending = null;
      return got.done ? null : (JSON.parse(got.value.data) as Message);
    },
    close: async () => {
      await reader.cancel().catch(() => undefined);
    },
  };
}

export const SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId";
