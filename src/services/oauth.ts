// OAuth 2.1 beside the API keys (MCP authorization, ADR 0031): one authorization server and one
// protected resource (`<origin>/mcp`) per served origin, both from @cloudflare/workers-oauth-provider,
// and what a grant means here: one org, one agent (or the whole org), the scopes the operator ticked.
import {
  OAuthAuthorizationServer,
  type OAuthHelpers,
  type OAuthResourceAuth,
  OAuthResourceServer,
} from "@cloudflare/workers-oauth-provider";
import { z } from "zod";
import { AppError } from "../errors";
import { checkOutboundUrl } from "../net/private-address";

/** Use tools within the agent's mandate (the baseline any access needs). */
export const SCOPE_TOOLS = "tollgate:tools";
/** See and use the governance tools (tollgate_budget_status, tollgate_list_agents, ...). */
export const SCOPE_GOVERNANCE = "tollgate:governance";
export const GRANTABLE_SCOPES = [SCOPE_TOOLS, SCOPE_GOVERNANCE] as const;
/** What the authorization server can grant; offline_access only asks for a refresh token. */
const SCOPES_SUPPORTED = [...GRANTABLE_SCOPES, "offline_access"];

export const AUTHORIZE_PATH = "/dashboard/oauth/authorize";
export const TOKEN_PATH = "/oauth/token";
export const REGISTER_PATH = "/oauth/register";
/** Access tokens live an hour; the refresh token (30 days, rotated on use) renews them. */
export const ACCESS_TOKEN_TTL_S = 3600;

/** What a grant binds, stored encrypted in the token by the provider; agentId null: the whole org. */
export const OAuthProps = z.strictObject({
  orgId: z.string().min(1).max(100),
  agentId: z.string().min(1).max(100).nullable(),
});
export type OAuthProps = z.infer<typeof OAuthProps>;

/** The grant's user id: ":" is the provider's token separator, so "." joins org and agent. */
export function grantUser(orgId: string, agentId: string | null): string {
  return `${orgId}.${agentId ?? "org"}`;
}

/** The resource identifier (RFC 8707 / RFC 9728) of the keyless MCP endpoint on this origin. */
export function mcpResource(origin: string): string {
  return `${origin}/mcp`;
}

const servers = new Map<string, OAuthAuthorizationServer<Env>>();

/** The authorization server whose issuer is `origin` (scheme + host of a served request), once per isolate. */
export function authServer(origin: string): OAuthAuthorizationServer<Env> {
  let server = servers.get(origin);
  if (server) return server;
  server = new OAuthAuthorizationServer<Env>({
    issuer: origin,
    resources: [mcpResource(origin)],
    authorizeEndpoint: `${origin}${AUTHORIZE_PATH}`,
    tokenEndpoint: `${origin}${TOKEN_PATH}`,
    // DCR stays as the fallback for clients without Client ID Metadata Documents (MCP 2026-07-28).
    clientRegistrationEndpoint: `${origin}${REGISTER_PATH}`,
    scopesSupported: SCOPES_SUPPORTED,
    clientIdMetadataDocumentEnabled: true,
    accessTokenTTL: ACCESS_TOKEN_TTL_S,
    // The provider's default logs a warning per refused request; the wire answer is the record.
    onError: () => undefined,
  });
  // A deployment serves few origins (ALLOWED_HOSTS); the cap only bounds a misconfigured one.
  if (servers.size > 50) servers.clear();
  servers.set(origin, server);
  return server;
}

/** The protected resource `<origin>/mcp`: RFC 9728 metadata, the 401 challenge, token checks. */
export function mcpResourceServer(
  origin: string,
  handler: (req: Request, env: Env, ctx: OAuthContext) => Promise<Response>,
): OAuthResourceServer<Env, unknown> {
  const auth = authServer(origin);
  return new OAuthResourceServer<Env, unknown>({
    resourceMetadata: {
      resource: mcpResource(origin),
      authorization_servers: [origin],
      bearer_methods_supported: ["header"],
      resource_name: "Tollgate MCP gateway",
    },
    requiredScopes: [SCOPE_TOOLS],
    validateToken: (env) => (res, token) => auth.validateToken(res, token, env),
    handler: { fetch: (req, env, ctx) => handler(req, env, { exec: ctx, props: ctx.props, auth: ctx.auth }) },
  });
}

/** What the resource server hands the gateway once a token checked out. */
export type OAuthContext = { exec: ExecutionContext; props: unknown; auth: OAuthResourceAuth };

/** The provider's helpers (grants, clients) for an origin's authorization server. */
export function oauthApi(env: Env, origin: string): OAuthHelpers {
  return authServer(origin).getOAuthApi(env);
}

/**
 * A Client ID Metadata Document URL the provider must not fetch: a literal private, loopback or
 * link-local address, or a name that is one (localhost). The provider relies on the runtime's
 * public-only fetch; this refuses such a client before any fetch, in every environment (tests too).
 */
export function privateClientIdUrl(clientId: string | null, allowPrivate: boolean): boolean {
  if (!clientId || !/^[a-z][a-z0-9+.-]*:\/\//i.test(clientId)) return false;
  return !checkOutboundUrl(clientId, allowPrivate).ok;
}

export type ConnectedClient = {
  grantId: string;
  clientId: string;
  clientName: string;
  agentId: string | null;
  scope: string[];
  createdAt: number;
  expiresAt: number | null;
};

/** The clients connected to one agent (or to the whole org, agentId null), newest first. */
export async function listConnectedClients(
  env: Env,
  origin: string,
  orgId: string,
  agentId: string | null,
): Promise<ConnectedClient[]> {
  const api = oauthApi(env, origin);
  const out: ConnectedClient[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.listUserGrants(grantUser(orgId, agentId), { limit: 100, cursor });
    for (const g of page.items) {
      const meta = z.object({ clientName: z.string().max(200) }).safeParse(g.metadata);
      out.push({
        grantId: g.id,
        clientId: g.clientId,
        clientName: meta.success ? meta.data.clientName : g.clientId,
        agentId,
        scope: g.scope,
        createdAt: g.createdAt * 1000,
        expiresAt: g.expiresAt ? g.expiresAt * 1000 : null,
      });
    }
    cursor = page.cursor;
  } while (cursor && out.length < 1000);
  return out.sort((a, b) => b.createdAt - a.createdAt);
}

/** Revokes one grant (and its tokens at once); another agent's or org's grant is NOT_FOUND. */
export async function revokeConnectedClient(
  env: Env,
  origin: string,
  orgId: string,
  agentId: string | null,
  grantId: string,
): Promise<void> {
  const grants = await listConnectedClients(env, origin, orgId, agentId);
  if (!grants.some((g) => g.grantId === grantId)) throw new AppError("NOT_FOUND", "Unknown connected client");
  await oauthApi(env, origin).revokeGrant(grantId, grantUser(orgId, agentId));
}
