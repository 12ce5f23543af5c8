// The OAuth authorize endpoint (the consent page, ADR 0031) and the connected apps page. The provider
// validates the request (client, exact redirect URI, PKCE, resource); the operator, signed in, picks
// the agent and the scopes; the grant binds org + agent. Views: views/oauth.tsx.
import { AuthorizationError, CimdFetchError } from "@cloudflare/workers-oauth-provider";
import type { Hono } from "hono";
import { config } from "../../env";
import { agentsByIds, listAgents } from "../../services/agents";
import {
  type ConnectedClient,
  GRANTABLE_SCOPES,
  grantUser,
  listConnectedClients,
  oauthApi,
  privateClientIdUrl,
  revokeConnectedClient,
  SCOPE_TOOLS,
} from "../../services/oauth";
import { act, field, form } from "../actions";
import { type DashContext, type DashEnv, view } from "../context";
import { ConnectedPage, ConsentErrorPage, ConsentPage } from "../views/oauth";

/** Agents a form offers (the first page; the admin API reaches the rest, as on the keys page). */
const AGENT_CHOICES = 200;

/** The consent page may post its answer to the client's redirect (form-action covers redirects). */
function consentCsp(redirectUri: string): string {
  let target = "";
  try {
    const u = new URL(redirectUri);
    target = u.protocol === "http:" || u.protocol === "https:" ? u.origin : u.protocol;
  } catch {
    // the provider validated it; nothing to add if it does not parse here
  }
  return (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; connect-src 'self'; " +
    `form-action 'self' ${target}; frame-ancestors 'none'; base-uri 'none'`
  );
}

async function refuse(c: DashContext, message: string, status: 400 | 404 = 400): Promise<Response> {
  return c.html(<ConsentErrorPage v={view(c)} message={message} />, status);
}

/** Errors the provider raises for a bad request: redirect only where it says the redirect is trusted. */
async function authError(c: DashContext, err: unknown): Promise<Response> {
  if (err instanceof AuthorizationError) {
    if (err.redirectTo) return c.redirect(err.redirectTo, 302);
    return refuse(c, `${err.code}: ${err.description}`);
  }
  if (err instanceof CimdFetchError)
    return refuse(c, "invalid_client: the app's metadata document could not be verified.");
  throw err;
}

export function oauthRoutes(app: Hono<DashEnv>) {
  app.get("/oauth/authorize", async (c) => {
    const origin = new URL(c.req.url).origin;
    const clientId = c.req.query("client_id") ?? null;
    if (privateClientIdUrl(clientId, config(c.env).ALLOW_PRIVATE_UPSTREAMS))
      return refuse(c, "invalid_client: the app's metadata URL points at a private or internal address.");
    const api = oauthApi(c.env, origin);
    try {
      const request = await api.parseAuthRequest(c.req.raw);
      const details = await api.describeConsent(request);
      const consent = await api.beginConsent(request);
      const agents = (await listAgents(c.env, c.get("session").orgId, { limit: AGENT_CHOICES })).data;
      const page = await c.html(
        <ConsentPage
          v={view(c)}
          handle={consent.handle}
          agents={agents}
          facts={{
            clientName: details.clientName,
            clientDomain: details.clientDomain ?? null,
            redirectHost: details.redirectHost,
            redirectIsLoopback: details.redirectIsLoopback,
            requested: details.scope,
          }}
        />,
      );
      const headers = new Headers(page.headers);
      consent.headers.forEach((value, name) => {
        if (name.toLowerCase() !== "set-cookie") headers.set(name, value);
      });
      for (const cookie of consent.headers.getSetCookie()) headers.append("set-cookie", cookie);
      headers.set("content-security-policy", consentCsp(request.redirectUri));
      return new Response(page.body, { status: 200, headers });
    } catch (err) {
      return authError(c, err);
    }
  });

  app.post("/oauth/authorize", async (c) => {
    const orgId = c.get("session").orgId;
    const api = oauthApi(c.env, new URL(c.req.url).origin);
    const f = await form(c);
    const handle = field(f, "handle");
    try {
      if (field(f, "decision") !== "approve") {
        const denied = await api.denyConsent(c.req.raw, handle);
        return new Response(null, { status: 302, headers: denied.headers });
      }
      const agentField = field(f, "agent");
      const [picked] = agentField === "org" ? [] : await agentsByIds(c.env, orgId, [agentField]);
      const agent = picked?.status === "active" ? picked : undefined;
      // Another org's agent id, a paused agent or garbage: nothing is consumed, nothing granted.
      if (agentField !== "org" && !agent) return refuse(c, "Pick one of this org's active agents.");
      const agentId = agent ? agent.id : null;
      const ticked = [f.scope].flat().filter((s): s is string => typeof s === "string");
      const scope = [SCOPE_TOOLS, ...GRANTABLE_SCOPES.filter((s) => s !== SCOPE_TOOLS && ticked.includes(s))];
      const approved = await api.approveConsent(c.req.raw, handle, { scope });
      if (approved.request.scope.includes("offline_access")) scope.push("offline_access");
      const client = await api.lookupClient(approved.request.clientId);
      const { redirectTo } = await api.completeAuthorization({
        request: approved.request,
        userId: grantUser(orgId, agentId),
        metadata: { clientName: (client?.clientName ?? approved.request.clientId).slice(0, 200), agentId },
        scope,
        props: { orgId, agentId },
      });
      approved.headers.set("location", redirectTo);
      return new Response(null, { status: 302, headers: approved.headers });
    } catch (err) {
      return authError(c, err);
    }
  });

  app.get("/connected", async (c) => {
    const { orgId } = c.get("session");
    const origin = new URL(c.req.url).origin;
    const agents = (await listAgents(c.env, orgId, { limit: AGENT_CHOICES })).data;
    const lists = await Promise.all([
      ...agents.map((a) => listConnectedClients(c.env, origin, orgId, a.id)),
      listConnectedClients(c.env, origin, orgId, null),
    ]);
    const clients: ConnectedClient[] = lists.flat().sort((a, b) => b.createdAt - a.createdAt);
    return c.html(<ConnectedPage v={view(c)} agents={agents} clients={clients} />);
  });

  app.post("/connected/:agent/:grant/revoke", (c) => {
    const { orgId } = c.get("session");
    const agent = c.req.param("agent");
    return act(c, "/dashboard/connected", async () => {
      await revokeConnectedClient(
        c.env,
        new URL(c.req.url).origin,
        orgId,
        agent === "org" ? null : agent,
        c.req.param("grant"),
      );
      return "Revoked: the app's tokens stop working now.";
    });
  });
}
