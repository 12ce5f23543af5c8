// The MCP endpoint: /<key>/mcp, /<org-key>/agents/<agent>/mcp, and /mcp with a bearer key.
// Order: Host and Origin checks -> protocol version -> key -> body limits -> JSON-RPC envelope ->
// headers against the body (Mcp-Method, Mcp-Name, the _meta version) -> dispatch by era and method.
import { Hono } from "hono";
import { isLockedOut, noteFailure } from "../auth/failed-lookups";
import type { AppEnv } from "../env";
import { config } from "../env";
import { hostServed, originAllowed } from "../net/host-origin";
import { readBodyText } from "../net/read-limited";
import { checkHeaders, isModernVersion, MODERN_RPC } from "../protocol/eras";
import { RPC, rpcError } from "../protocol/jsonrpc";
import { resolveTenant } from "../services/tenant";
import type { GatewayCtx } from "./context";
import { dispatch } from "./dispatch";
import { endSession } from "./lifecycle";
import { acceptedProtocolVersion, SUPPORTED_PROTOCOL_VERSIONS } from "./protocol-version";
import { jsonResponse } from "./respond";
import { verifySession } from "./session";

export function mcpRoutes() {
  const app = new Hono<AppEnv>();
  app.all("/mcp", (c) => {
    const auth = c.req.header("authorization") ?? "";
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    return handle(c.req.raw, c.env, c.executionCtx as ExecutionContext, m?.[1] ?? "", null);
  });
  app.all("/:key/mcp", (c) =>
    handle(c.req.raw, c.env, c.executionCtx as ExecutionContext, c.req.param("key"), null),
  );
  app.all("/:key/agents/:agent/mcp", (c) =>
    handle(c.req.raw, c.env, c.executionCtx as ExecutionContext, c.req.param("key"), c.req.param("agent")),
  );
  return app;
}

function httpError(status: number, code: string, message: string): Response {
  return jsonResponse({ error: { code, message } }, undefined, status);
}

async function handle(req: Request, env: Env, exec: ExecutionContext, key: string, agentName: string | null) {
  const cfg = config(env);
  const refused = transportRefusal(req, cfg.ALLOWED_HOSTS, cfg.ALLOWED_ORIGINS);
  if (refused) return refused;
  const now = Date.now();
  const client = req.headers.get("cf-connecting-ip") ?? "local";
  if (isLockedOut(client, now))
    return httpError(429, "RATE_LIMITED", "Too many failed key lookups; try later");
  const resolved = await resolveTenant(env, exec, key, agentName, now);
  if (!resolved.ok) {
    if (resolved.reason === "unauthorized") {
      noteFailure(client, now);
      return httpError(401, "UNAUTHORIZED", "Invalid or revoked API key");
    }
    return resolved.reason === "paused"
      ? httpError(403, "FORBIDDEN", "This agent is paused")
      : httpError(404, "NOT_FOUND", "Unknown agent");
  }
  const version = req.headers.get("mcp-protocol-version")?.trim() ?? null;
  const modern = isModernVersion(version);
  // 2026-07-28 has no sessions: a modern request's Mcp-Session-Id is ignored, never minted or echoed.
  const sessionHeader = modern ? null : req.headers.get("mcp-session-id");
  const session = sessionHeader ? await verifySession(sessionHeader, cfg.SESSION_SECRET) : null;
  if (
    sessionHeader &&
    (!session || session.o !== resolved.tenant.orgId || session.a !== resolved.tenant.agent.id)
  ) {
    // Unknown or foreign session: 404 tells the client to initialize again (Streamable HTTP).
    return httpError(404, "NOT_FOUND", "Unknown session");
  }
  const g: GatewayCtx = {
    env,
    exec,
    tenant: resolved.tenant,
    session,
    protocolVersion: version,
    signal: req.signal,
    timeoutMs: cfg.UPSTREAM_TIMEOUT_MS,
    allowPrivate: cfg.ALLOW_PRIVATE_UPSTREAMS,
    sessionSecret: cfg.SESSION_SECRET,
    acceptsSse: (req.headers.get("accept") ?? "").includes("text/event-stream"),
    era: modern ? "modern" : "legacy",
    clientCapabilities: {},
    links: null,
    inputs: null,
  };
  if (modern && req.method !== "POST")
    return httpError(405, "METHOD_NOT_ALLOWED", "MCP 2026-07-28 has no GET stream and no session to DELETE");
  if (req.method === "GET")
    return httpError(405, "METHOD_NOT_ALLOWED", "This gateway offers no standalone SSE stream");
  if (req.method === "DELETE") return endSession(g);
  if (req.method !== "POST") return httpError(405, "METHOD_NOT_ALLOWED", "Use POST");

  const type = req.headers.get("content-type") ?? "";
  if (!type.includes("application/json"))
    return httpError(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json");
  const raw = await readBodyText(req, cfg.MAX_BODY_BYTES);
  if (raw === null) return tooLarge(cfg.MAX_BODY_BYTES);
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return jsonResponse(
      rpcError(null, RPC.PARSE_ERROR, "Parse error: the body is not valid JSON"),
      undefined,
      400,
    );
  }
  const headers = checkHeaders(req.headers, body, modern);
  if (!headers.ok) {
    const id = (body as { id?: unknown } | null)?.id;
    const rid = typeof id === "string" || typeof id === "number" ? id : null;
    return jsonResponse(rpcError(rid, MODERN_RPC.HEADER_MISMATCH, headers.message), undefined, 400);
  }
  return dispatch(g, body, raw);
}

/** Host, Origin and MCP-Protocol-Version checks, before any key lookup (ADR 0012). */
function transportRefusal(req: Request, hosts: string[], origins: string[]): Response | null {
  // In Workers the request URL's host is the Host header.
  const { hostname } = new URL(req.url);
  if (!hostServed(hostname, hosts))
    return httpError(421, "MISDIRECTED_REQUEST", "This deployment does not serve that host");
  const origin = req.headers.get("origin");
  if (origin !== null && !originAllowed(origin, hostname, hosts, origins))
    return httpError(403, "FORBIDDEN", "Origin not allowed");
  const version = req.headers.get("mcp-protocol-version");
  if (acceptedProtocolVersion(version) === null) {
    // UnsupportedProtocolVersionError (2026-07-28 schema); legacy revisions only ask for HTTP 400.
    const supported = [...SUPPORTED_PROTOCOL_VERSIONS];
    return jsonResponse(
      rpcError(
        null,
        MODERN_RPC.UNSUPPORTED_PROTOCOL_VERSION,
        `Unsupported MCP-Protocol-Version (supported: ${supported.join(", ")})`,
        { supported, requested: version ?? "" },
      ),
      undefined,
      400,
    );
  }
  return null;
}

function tooLarge(limit: number): Response {
  return jsonResponse(
    rpcError(null, RPC.INVALID_REQUEST, `Request body too large (limit ${limit} bytes)`),
    undefined,
    413,
  );
}
