// A bare forwarding Worker for the gateway benchmark: POST /mcp goes to UPSTREAM_URL and the upstream's
// body streams back untouched. No auth, parsing or accounting: the floor any MCP proxy pays per hop.
type BareEnv = { UPSTREAM_URL: string };

/** Request headers an MCP upstream needs; everything else (host, cookies) stays behind. */
const FORWARDED = ["content-type", "accept", "mcp-session-id", "mcp-protocol-version", "last-event-id"];

export default {
  async fetch(request: Request, env: BareEnv): Promise<Response> {
    if (new URL(request.url).pathname !== "/mcp" || request.method !== "POST") {
      await request.arrayBuffer(); // workerd faults if a response goes out before the body is read
      return new Response("Not Found", { status: 404 });
    }
    const headers = new Headers();
    for (const name of FORWARDED) {
      const value = request.headers.get(name);
      if (value !== null) headers.set(name, value);
    }
    const upstream = await fetch(env.UPSTREAM_URL, { method: "POST", headers, body: request.body });
    return new Response(upstream.body, { status: upstream.status, headers: upstream.headers });
  },
} satisfies ExportedHandler<BareEnv>;
