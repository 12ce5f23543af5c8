// The MCP endpoint: /<key>/mcp, /<org-key>/agents/<agent>/mcp, and /mcp with a bearer key or an
// OAuth access token (ADR 0031). Order: Host and Origin checks -> protocol version -> key or token ->
// body limits -> JSON-RPC envelope -> headers against the body (Mcp-Method, Mcp-Name, the _meta
// version) -> dispatch by era and method (ADR 0030).
import { insufficientScope } from "@cloudflare/workers-oauth-provider";
import { Hono } from "hono";
import { isLockedOut, noteFailure } from "../auth/failed-lookups";
import { isWellFormedKey } from "../auth/keys";
import type { AppEnv } from "../env";
import { config } from "../env";
import { hostServed, originAllowed } from "../net/host-origin";
import { readBodyText } from "../net/read-limited";
import { checkHeaders, isModernVersion, MODERN_RPC } from "../protocol/eras";
import { RPC, rpcError } from "../protocol/jsonrpc";
import {
  authServer,
  mcpResourceServer,
  type OAuthContext,
  OAuthProps,
  privateClientIdUrl,
  REGISTER_PATH,
  SCOPE_GOVERNANCE,
  SCOPE_TOOLS,
  TOKEN_PATH,
} from "../services/oauth";
import { type KeyCarrier, resolveOAuthTenant, resolveTenant, type TenantResult } from "../services/tenant";
import type { GatewayCtx } from "./context";
import { dispatch } from "./dispatch";
import { openGetStream } from "./get-stream";
import { endSession } from "./lifecycle";
import { acceptedProtocolVersion, SUPPORTED_PROTOCOL_VERSIONS } from "./protocol-version";
import { jsonResponse } from "./respond";
import { verifySession } from "./session";
import { beginTrace, endTrace } from "./trace-export";

export function mcpRoutes() {
  const app = new Hono<AppEnv>();
  app.all("/mcp", (c) => {
    const auth = c.req.header("authorization") ?? "";
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    const exec = c.executionCtx as ExecutionContext;
    // An API key keeps its old path; anything else (or nothing) is the OAuth resource's to judge.
    if (m?.[1] && isWellFormedKey(m[1])) return handle(c.req.raw, c.env, exec, m[1], null, "header");
    return handleOAuth(c.req.raw, c.env, exec);
  });
  app.all("/:key/mcp", (c) =>
    handle(c.req.raw, c.env, c.executionCtx as ExecutionContext, c.req.param("key"), null, "path"),
  );
  app.all("/:key/agents/:agent/mcp", (c) =>
    handle(
      c.req.raw,
      c.env,
      c.executionCtx as ExecutionContext,
      c.req.param("key"),
      c.req.param("agent"),
      "path",
    ),
  );
  oauthEndpoints(app);
  return app;
}

/** Discovery, token, revocation and registration: the provider's; the authorize page is the dashboard's. */
function oauthEndpoints(app: Hono<AppEnv>) {
  const served = (req: Request, env: Env) => hostServed(new URL(req.url).hostname, config(env).ALLOWED_HOSTS);
  const misdirected = () => httpError(421, "MISDIRECTED_REQUEST", "This deployment does not serve that host");
  for (const path of ["/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"]) {
    app.all(path, (c) =>
      served(c.req.raw, c.env)
        ? resourceFor(new URL(c.req.url).origin).fetch(c.req.raw, c.env, c.executionCtx as ExecutionContext)
        : misdirected(),
    );
  }
  for (const path of ["/.well-known/oauth-authorization-server", TOKEN_PATH, REGISTER_PATH]) {
    app.all(path, async (c) => {
      if (!served(c.req.raw, c.env)) return misdirected();
      if (path === TOKEN_PATH && (await privateClientAtTokenEndpoint(c.req.raw, c.env)))
        return jsonResponse(
          { error: "invalid_client", error_description: "Client not found" },
          undefined,
          401,
        );
      return authServer(new URL(c.req.url).origin).fetch(
        c.req.raw,
        c.env,
        c.executionCtx as ExecutionContext,
      );
    });
  }
}

/**
 * The token endpoint resolves a metadata-document client_id by fetching it, like the authorize page:
 * refuse one on a private or internal address before the provider fetches it (the same answer as an
 * unknown client). Reads a clone, so the provider still gets the body.
 */
async function privateClientAtTokenEndpoint(req: Request, env: Env): Promise<boolean> {
  if (req.method !== "POST") return false;
  if (!(req.headers.get("content-type") ?? "").includes("application/x-www-form-urlencoded")) return false;
  const text = await readBodyText(req.clone(), config(env).MAX_BODY_BYTES);
  if (text === null) return false;
  const clientId = new URLSearchParams(text).get("client_id");
  return privateClientIdUrl(clientId, config(env).ALLOW_PRIVATE_UPSTREAMS);
}

function httpError(status: number, code: string, message: string): Response {
  return jsonResponse({ error: { code, message } }, undefined, status);
}

async function handle(
  req: Request,
  env: Env,
  exec: ExecutionContext,
  key: string,
  agentName: string | null,
  carrier: KeyCarrier,
) {
  const cfg = config(env);
  const refused = transportRefusal(req, cfg.ALLOWED_HOSTS, cfg.ALLOWED_ORIGINS);
  if (refused) return refused;
  const now = Date.now();
  const client = req.headers.get("cf-connecting-ip") ?? "local";
  if (isLockedOut(client, now))
    return httpError(429, "RATE_LIMITED", "Too many failed key lookups; try later");
  const resolved = await resolveTenant(env, exec, key, agentName, now, carrier);
  if (!resolved.ok && resolved.reason === "unauthorized") noteFailure(client, now);
  return serve(req, env, exec, resolved);
}

/** /mcp without an API key: the protected resource challenges (401), checks the token, then serves. */
async function handleOAuth(req: Request, env: Env, exec: ExecutionContext) {
  const cfg = config(env);
  const refused = transportRefusal(req, cfg.ALLOWED_HOSTS, cfg.ALLOWED_ORIGINS);
  if (refused) return refused;
  // No failed-lookup lockout on this path: tokens (256-bit secrets) cannot be guessed, and expired ones
  // are routine from hosted assistants whose users share egress addresses; keys keep their lockout.
  return resourceFor(new URL(req.url).origin).fetch(req, env, exec);
}

const resources = new Map<string, ReturnType<typeof mcpResourceServer>>();
function resourceFor(origin: string) {
  let r = resources.get(origin);
  if (!r) {
    if (resources.size > 50) resources.clear();
    r = mcpResourceServer(origin, serveToken);
    resources.set(origin, r);
  }
  return r;
}

async function serveToken(req: Request, env: Env, o: OAuthContext): Promise<Response> {
  if (!o.auth.scope.includes(SCOPE_TOOLS)) return insufficientScope(o.auth, [SCOPE_TOOLS]);
  const props = OAuthProps.safeParse(o.props);
  const grantId = o.auth.token.split(":")[1] ?? "";
  const resolved = props.success
    ? await resolveOAuthTenant(
        env,
        { ...props.data, grantId },
        o.auth.scope.includes(SCOPE_GOVERNANCE),
        Date.now(),
      )
    : ({ ok: false, reason: "unauthorized" } as const);
  return serve(req, env, o.exec, resolved);
}

async function serve(req: Request, env: Env, exec: ExecutionContext, resolved: TenantResult) {
  const cfg = config(env);
  if (!resolved.ok) {
    switch (resolved.reason) {
      case "unauthorized":
        return httpError(401, "UNAUTHORIZED", "Invalid or revoked API key");
      case "oauth_required":
        return httpError(
          403,
          "FORBIDDEN",
          "This org refuses API keys in the URL: connect to /mcp with OAuth or send the key as a Bearer header",
        );
      case "paused":
        return httpError(403, "FORBIDDEN", "This agent is paused");
      case "not_found":
        return httpError(404, "NOT_FOUND", "Unknown agent");
    }
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
  if (req.method === "GET") return openGetStream(g, req);
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
  const traced = beginTrace(g, req.headers, body);
  const res = await dispatch(g, body, raw);
  return traced ? endTrace(traced, res) : res;
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
