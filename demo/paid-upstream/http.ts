// A paid plain-HTTP API next to the MCP servers (tollgate_fetch's upstream): the same report sold with MPP
// (mppx's HTTP transport, mock method `test`), x402 v2 (headers) and x402 v1 (JSON body).
import { Mppx, Transport } from "mppx/server";
import { serveX402 } from "./http-x402";
import { DEFAULT_SECRET, offer, otherServer, REALM, testServer } from "./payments";

/** Price of /http/mpp/report in pathUSD; /http/mpp/either offers it or 1.20 in `othermethod`. */
export const HTTP_MPP_PRICE = "0.40";

export const HTTP_HELP = `GET /http/mpp/report      402 + WWW-Authenticate: Payment (test method, 0.40 pathUSD); paid: 200 + Payment-Receipt
GET /http/mpp/either      two challenges in two WWW-Authenticate headers (test 0.40, othermethod 1.20)
GET /http/x402v2/report   402 + PAYMENT-REQUIRED (exact 0.02 USDC, Base Sepolia); PAYMENT-SIGNATURE -> PAYMENT-RESPONSE
GET /http/x402v1/report   402 + JSON body (x402Version 1); X-PAYMENT -> X-PAYMENT-RESPONSE
ANY /http/echo            free: the method, non-payment headers and body it received, as JSON
GET /http/redirect        302 to /http/mpp/report on the same host (a client must not follow it with a credential)
GET /http/big?bytes=N     free: N bytes of text
GET /http/binary          free: a few PNG bytes
GET /http/402-unknown     402 with neither an MPP challenge nor x402 requirements
`;

let cached: { secretKey: string; mppx: ReturnType<typeof create> } | undefined;

function create(secretKey: string) {
  return Mppx.create({
    methods: [testServer, otherServer],
    realm: REALM,
    secretKey,
    transport: Transport.http(),
  });
}

function mppxFor(secretKey = DEFAULT_SECRET) {
  if (cached?.secretKey !== secretKey) cached = { secretKey, mppx: create(secretKey) };
  return cached.mppx;
}

function report(paidWith: string) {
  return { title: "Quarterly market report", paidWith, lines: ["revenue up", "costs flat"] };
}

async function serveMpp(request: Request, secretKey: string | undefined, either: boolean): Promise<Response> {
  const mppx = mppxFor(secretKey);
  const result = either
    ? await mppx.compose(
        ["test/charge", offer(HTTP_MPP_PRICE, "market report")],
        ["othermethod/charge", offer("1.20", "market report")],
      )(request)
    : await mppx["test/charge"](offer(HTTP_MPP_PRICE, "market report"))(request);
  if (result.status === 402) return result.challenge;
  return result.withReceipt(Response.json(report("mpp")));
}

/** The /http/ routes; null when `pathname` is not one of them. */
export function httpRoute(
  pathname: string,
  secretKey: string | undefined,
): ((request: Request) => Promise<Response>) | null {
  switch (pathname) {
    case "/http/mpp/report":
      return (req) => serveMpp(req, secretKey, false);
    case "/http/mpp/either":
      return (req) => serveMpp(req, secretKey, true);
    case "/http/x402v2/report":
      return (req) => serveX402(req, 2, report("x402 v2"));
    case "/http/x402v1/report":
      return (req) => serveX402(req, 1, report("x402 v1"));
    case "/http/echo":
      return echo;
    case "/http/redirect":
      return async (req) => {
        const to = new URL("/http/mpp/report", req.url);
        return new Response(null, { status: 302, headers: { location: to.href } });
      };
    case "/http/big":
      return async (req) => {
        const bytes = Math.min(
          Number(new URL(req.url).searchParams.get("bytes") ?? "0") || 0,
          32 * 1024 * 1024,
        );
        return new Response("a".repeat(bytes), { headers: { "content-type": "text/plain" } });
      };
    case "/http/binary":
      return async () =>
        new Response(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 255]), {
          headers: { "content-type": "image/png" },
        });
    case "/http/402-unknown":
      return async () =>
        Response.json(
          { error: "pay us somehow" },
          { status: 402, headers: { "www-authenticate": 'Bearer realm="elsewhere"' } },
        );
    default:
      return null;
  }
}

/** What the request looked like on arrival (payment headers left out: the witness records those). */
async function echo(request: Request): Promise<Response> {
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const body = request.method === "GET" || request.method === "HEAD" ? null : await request.text();
  return Response.json({ method: request.method, headers, body });
}
