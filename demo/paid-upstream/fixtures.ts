// Misbehaving endpoints for gateway tests: a -32042 that is an elicitation (not a payment), a non-JSON
// body, an endpoint that answers only after a long delay, a plain HTTP 500, huge answers and
// pretty-printed (multi-line) SSE events.
import type { RpcTools } from "./rpc";

export const elicitTools: RpcTools = {
  list: [
    {
      name: "needs_login",
      description: "Asks the user to sign in through a URL (MCP URL elicitation). It is not a payment.",
      inputSchema: { type: "object", properties: {} },
    },
  ],
  call: () => ({
    error: {
      code: -32042,
      message: "This request requires more information.",
      data: {
        elicitations: [
          {
            mode: "url",
            elicitationId: "login-1",
            url: "https://login.example/authorize?state=demo",
            message: "Sign in to continue.",
          },
        ],
      },
    },
  }),
};

/** HTTP 200 whose body is not JSON, although it says it is. */
export async function garbage(request: Request): Promise<Response> {
  await request.arrayBuffer(); // workerd faults if a response goes out while the request body is unread
  return new Response("not json at all", { headers: { "content-type": "application/json" } });
}

export async function error500(request: Request): Promise<Response> {
  await request.arrayBuffer();
  return new Response("upstream is down", { status: 500, headers: { "content-type": "text/plain" } });
}

const DEFAULT_DELAY_MS = 60_000;

/** Waits `?delay=<ms>` (default 60 s) before letting `next` answer, for gateway timeout tests. */
export async function slow(
  request: Request,
  next: (request: Request) => Promise<Response>,
): Promise<Response> {
  const raw = new URL(request.url).searchParams.get("delay");
  const delay = raw !== null && /^\d{1,7}$/.test(raw) ? Number.parseInt(raw, 10) : DEFAULT_DELAY_MS;
  await new Promise((resolve) => setTimeout(resolve, delay));
  return next(request);
}

const CREDENTIAL_KEYS = ["org.paymentauth/credential", "x402/payment"];

/**
 * Answers a paid retry (a request carrying a credential) only `?delay=<ms>` after the tool has run and
 * settled, so a gateway that gives up first has let money move without seeing the receipt. Requests
 * without a credential answer at once (the challenge arrives in time).
 */
export async function stallAfterSettle(
  request: Request,
  next: (request: Request) => Promise<Response>,
): Promise<Response> {
  const body = (await request
    .clone()
    .json()
    .catch(() => null)) as { params?: { _meta?: Record<string, unknown> } } | null;
  const meta = body?.params?._meta ?? {};
  const paying = CREDENTIAL_KEYS.some((k) => k in meta);
  const response = await next(request);
  if (!paying) return response;
  const text = await response.text(); // the tool runs, and settles, before the stall
  const raw = new URL(request.url).searchParams.get("delay");
  const delay = raw !== null && /^\d{1,7}$/.test(raw) ? Number.parseInt(raw, 10) : DEFAULT_DELAY_MS;
  await new Promise((resolve) => setTimeout(resolve, delay));
  return new Response(text, { status: response.status, headers: response.headers });
}

async function requestId(request: Request): Promise<string | number | null | undefined> {
  const body = (await request.json().catch(() => null)) as { id?: string | number | null } | null;
  return body?.id;
}

function sseBody(events: string[]): Response {
  return new Response(events.join(""), { headers: { "content-type": "text/event-stream" } });
}

/**
 * A huge answer: `?bytes=N` of text in the result (JSON), or with `&sse=1` over SSE after `&events=K`
 * progress notifications of N bytes each, for the gateway's reply-size caps.
 */
export async function big(request: Request): Promise<Response> {
  const id = await requestId(request);
  if (id === undefined) return new Response(null, { status: 202 });
  const params = new URL(request.url).searchParams;
  const bytes = Math.min(Number(params.get("bytes") ?? "0") || 0, 64 * 1024 * 1024);
  const text = "x".repeat(bytes);
  const answer = { jsonrpc: "2.0", id, result: { content: [{ type: "text", text }] } };
  if (params.get("sse") !== "1") return Response.json(answer);
  const events = Number(params.get("events") ?? "0") || 0;
  const progress = JSON.stringify({
    jsonrpc: "2.0",
    method: "notifications/message",
    params: { level: "info", data: text },
  });
  return sseBody([
    ...Array.from({ length: events }, () => `event: message\ndata: ${progress}\n\n`),
    `event: message\ndata: ${JSON.stringify(answer)}\n\n`,
  ]);
}

/** SSE whose events carry pretty-printed JSON, one `data:` line per JSON line (valid SSE framing). */
export async function multiline(request: Request): Promise<Response> {
  const id = await requestId(request);
  if (id === undefined) return new Response(null, { status: 202 });
  const frame = (message: unknown) =>
    `event: message\n${JSON.stringify(message, null, 2)
      .split("\n")
      .map((line) => `data: ${line}\n`)
      .join("")}\n`;
  return sseBody([
    frame({ jsonrpc: "2.0", method: "notifications/message", params: { level: "info", data: "step 1" } }),
    frame({ jsonrpc: "2.0", id, result: { content: [{ type: "text", text: "line one\nline two" }] } }),
  ]);
}
