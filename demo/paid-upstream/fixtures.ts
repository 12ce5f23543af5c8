// Misbehaving endpoints for gateway tests: a -32042 that is an elicitation (not a payment), a non-JSON
// body, an endpoint that answers only after a long delay, and a plain HTTP 500.
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
