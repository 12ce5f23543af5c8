// Entry of the demo paid MCP upstream (a Worker): routes by path, ignoring the host, so one deployment can
// stand in for any upstream host in tests. See tools.ts for the catalogue.

import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { serveAsking } from "./asking";
import { servePages } from "./catalog-pages";
import { big, elicitTools, error500, garbage, multiline, slow, stallAfterSettle } from "./fixtures";
import { HOOKS_HOST, serveHooks } from "./hooks";
import { HTTP_HELP, httpRoute } from "./http";
import { serveModern } from "./modern";
import { modernListenReport } from "./modern-listen";
import { createPayments } from "./payments";
import { serveRpc } from "./rpc";
import { serveStateful, statefulReport } from "./stateful";
import { subscriptionsReport } from "./stateful-subscriptions";
import { type CallOutcome, createServer } from "./tools";
import { collectTraces, serveWitness, witnessed } from "./witness";
import { x402Tools, x402UptoTools, x402V1Tools } from "./x402";

export type DemoEnv = { MPP_SECRET_KEY?: string };

const HOME = `Tollgate demo paid MCP upstream

POST /mcp        MCP Streamable HTTP (SSE responses), payments with MPP (-32042, mock method "test")
POST /json/mcp   the same server with JSON responses
POST /x402/mcp   one tool paid with x402 over MCP (x402_weather), v2 exact 0.01 USDC
POST /x402v1/mcp the same with x402 v1; /x402upto/mcp with v2 upto (at most 0.05, settles 0.02)

Tools on /mcp: echo and get_time (free); generate_image 0.50, research_report 2.00 brief / 15.00 deep,
paid_echo (any price), slow_paid 0.10 (with progress), charge_then_fail 0.25, server_error 0.25,
multi_offer (1.00 test or 3.00 othermethod). Prices in pathUSD. A test credential pays when its
payload is {"token":"ok"}.

Plain HTTP paid API (no MCP), for tollgate_fetch:
${HTTP_HELP}
GET /_witness    what this host's endpoints received, ran and settled (for tests)
GET /oauth/client.json  an OAuth Client ID Metadata Document for this URL (loopback redirect; for tests)
POST /v1/traces  a fake OTLP/HTTP collector (bodies shown in /_witness as traces); /fail/v1/traces
                 answers 500, /hang/v1/traces answers after 2 s

Fixtures: /elicit/mcp (-32042 URL elicitation), /garbage/mcp, /slow/mcp?delay=ms, /error500/mcp,
/big/mcp?bytes=N[&sse=1&events=K] (a huge answer), /multiline/mcp (pretty-printed JSON over SSE),
/stall-after-settle/mcp?delay=ms (a paid retry settles, then its answer waits delay ms),
/modern/mcp (a stateless MCP 2026-07-28 server: server/discover, modern_echo, MRTR questions, and
modern_paid 0.40 charged in MPP's result-metadata form; resources, prompts and completion;
subscriptions/listen streams, which modern_touch notifies; GET /_modern_listen counts them),
/asking/mcp (a stateful 2025-era SDK server whose tools ask the client: elicitation, sampling, roots),
/pages/mcp?label=l (lists in pages of two, shared URIs, subscriptions, a slow wait tool),
/stateful/mcp (a stateful server with sessions and a GET stream: ask_sampling, ask_elicitation,
announce; test://<name>/watched can be subscribed; GET /_stateful reports this host's sessions and open
GET streams, GET /_subscriptions its subscriptions).
`;

// server_error must run (and charge) inside the SDK, then have its answer replaced by a 500.
function isServerErrorCall(body: unknown): boolean {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return false;
  const { method, params } = body as { method?: unknown; params?: { name?: unknown } };
  return method === "tools/call" && params?.name === "server_error";
}

async function serveMcp(request: Request, env: DemoEnv, json: boolean): Promise<Response> {
  const body: unknown = await request
    .clone()
    .json()
    .catch(() => undefined);
  const outcome: CallOutcome = { crashAfterCharge: false };
  const server = createServer(createPayments(env.MPP_SECRET_KEY), outcome);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: json,
  });
  await server.connect(transport);
  const response = await transport.handleRequest(request);
  if (!isServerErrorCall(body)) return response;
  const text = await response.text(); // lets the tool finish (and charge) before deciding
  if (outcome.crashAfterCharge) return new Response("upstream crashed after charging", { status: 500 });
  return new Response(text, { status: response.status, headers: response.headers });
}

// workerd faults if a response goes out while the request body is still unread.
async function refuse(request: Request, status: 404 | 405): Promise<Response> {
  await request.arrayBuffer();
  if (status === 404) return new Response("Not Found", { status });
  return new Response("Method Not Allowed", { status, headers: { allow: "POST" } });
}

/** A Client ID Metadata Document whose client_id is its own URL, as an MCP client would publish. */
function clientMetadata(request: Request): Response {
  const url = new URL(request.url);
  return Response.json({
    client_id: `${url.origin}${url.pathname}`,
    client_name: "Metadata Document Client",
    redirect_uris: ["http://127.0.0.1:33418/callback"],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
  });
}

export default {
  async fetch(request: Request, env: DemoEnv, ctx: ExecutionContext): Promise<Response> {
    if (new URL(request.url).host === HOOKS_HOST) return serveHooks(request);
    const { pathname } = new URL(request.url);
    if (pathname === "/" && request.method === "GET") return new Response(HOME);
    if (pathname === "/_witness" && request.method === "GET") return serveWitness(request);
    if (pathname === "/oauth/client.json" && request.method === "GET") return clientMetadata(request);
    if (pathname.endsWith("/v1/traces") && request.method === "POST") return collectTraces(request);
    if (pathname === "/_stateful" && request.method === "GET") return statefulReport(request);
    if (pathname === "/_modern_listen" && request.method === "GET") return modernListenReport(request);
    if (pathname === "/_subscriptions" && request.method === "GET") return subscriptionsReport(request);
    // GET (the session's stream) and DELETE are part of this server's protocol.
    if (pathname === "/stateful/mcp") return witnessed(request, () => serveStateful(request, ctx));
    const http = httpRoute(pathname, env.MPP_SECRET_KEY);
    if (http) return witnessed(request, () => http(request));
    const routes: Record<string, (req: Request) => Promise<Response> | Response> = {
      "/mcp": (req) => serveMcp(req, env, false),
      "/json/mcp": (req) => serveMcp(req, env, true),
      "/x402/mcp": (req) => serveRpc(req, "tollgate-demo-x402", x402Tools),
      "/x402v1/mcp": (req) => serveRpc(req, "tollgate-demo-x402-v1", x402V1Tools),
      "/x402upto/mcp": (req) => serveRpc(req, "tollgate-demo-x402-upto", x402UptoTools),
      "/elicit/mcp": (req) => serveRpc(req, "tollgate-demo-elicit", elicitTools),
      "/garbage/mcp": garbage,
      "/slow/mcp": (req) => slow(req, (r) => serveMcp(r, env, true)),
      "/stall-after-settle/mcp": (req) => stallAfterSettle(req, (r) => serveMcp(r, env, true)),
      "/error500/mcp": error500,
      "/big/mcp": big,
      "/multiline/mcp": multiline,
      "/modern/mcp": serveModern,
      "/pages/mcp": servePages,
      "/asking/mcp": (req) => serveAsking(req, env.MPP_SECRET_KEY),
    };
    const route = routes[pathname];
    if (!route) return refuse(request, 404);
    if (request.method !== "POST") return refuse(request, 405);
    return witnessed(request, async () => route(request));
  },
} satisfies ExportedHandler<DemoEnv>;
