// Routes: OAuth clients connected to an agent (or to the whole org), and revoking them (ADR 0031).
import { z } from "@hono/zod-openapi";
import { requireAgent } from "../../services/agents";
import { listConnectedClients, revokeConnectedClient } from "../../services/oauth";
import { Deleted, listOf } from "../../services/schemas/common";
import { ConnectedClientView } from "../../services/schemas/oauth";
import { type AdminApp, adminRoute, ok } from "../define";

const AgentParams = z.object({ agentId: z.string() });
const AgentGrantParams = z.object({ agentId: z.string(), grantId: z.string() });
const GrantParams = z.object({ grantId: z.string() });

const listForAgent = adminRoute({
  method: "get",
  path: "/agents/{agentId}/oauth-clients",
  tag: "oauth",
  access: "org",
  summary: "List the OAuth clients connected as this agent",
  request: { params: AgentParams },
  responses: ok(listOf(ConnectedClientView)),
  errors: [404],
});

const revokeForAgent = adminRoute({
  method: "delete",
  path: "/agents/{agentId}/oauth-clients/{grantId}",
  tag: "oauth",
  access: "org",
  summary: "Revoke a connected client: its access and refresh tokens stop working at once",
  request: { params: AgentGrantParams },
  responses: ok(Deleted),
  errors: [404],
});

const listOrgWide = adminRoute({
  method: "get",
  path: "/oauth-clients",
  tag: "oauth",
  access: "org",
  summary: "List the OAuth clients connected with org-wide access",
  responses: ok(listOf(ConnectedClientView)),
});

const revokeOrgWide = adminRoute({
  method: "delete",
  path: "/oauth-clients/{grantId}",
  tag: "oauth",
  access: "org",
  summary: "Revoke an org-wide connected client",
  request: { params: GrantParams },
  responses: ok(Deleted),
  errors: [404],
});

export function oauthClientRoutes(app: AdminApp): void {
  const origin = (url: string) => new URL(url).origin;
  app.openapi(listForAgent, async (c) => {
    const { agentId } = c.req.valid("param");
    await requireAgent(c.env, c.var.orgId, agentId);
    const data = await listConnectedClients(c.env, origin(c.req.url), c.var.orgId, agentId);
    return c.json({ data }, 200);
  });
  app.openapi(revokeForAgent, async (c) => {
    const { agentId, grantId } = c.req.valid("param");
    await requireAgent(c.env, c.var.orgId, agentId);
    await revokeConnectedClient(c.env, origin(c.req.url), c.var.orgId, agentId, grantId);
    return c.json({ id: grantId, deleted: true as const }, 200);
  });
  app.openapi(listOrgWide, async (c) => {
    const data = await listConnectedClients(c.env, origin(c.req.url), c.var.orgId, null);
    return c.json({ data }, 200);
  });
  app.openapi(revokeOrgWide, async (c) => {
    const { grantId } = c.req.valid("param");
    await revokeConnectedClient(c.env, origin(c.req.url), c.var.orgId, null, grantId);
    return c.json({ id: grantId, deleted: true as const }, 200);
  });
}
