// Routes: agents and their mandates.
import { z } from "@hono/zod-openapi";
import { createAgent, deleteAgent, getAgent, listAgents, updateAgent } from "../../services/agents";
import { getMandate, listMandateVersions, putMandate } from "../../services/mandates";
import {
  AgentView,
  AgentWithMandateView,
  CreateAgentBody,
  MandateView,
  PutMandateBody,
  UpdateAgentBody,
} from "../../services/schemas/agents";
import { Deleted, listOf, PageQuery, paged } from "../../services/schemas/common";
import { type AdminApp, adminRoute, body, created, ok } from "../define";

const AgentParams = z.object({ agentId: z.string() });

const postAgent = adminRoute({
  method: "post",
  path: "/agents",
  tag: "agents",
  access: "org",
  summary: "Create an agent (names are unique per org)",
  request: { body: body(CreateAgentBody) },
  responses: created(AgentView),
  errors: [409],
});

const getAgents = adminRoute({
  method: "get",
  path: "/agents",
  tag: "agents",
  access: "org",
  summary: "List agents, oldest first, a page at a time (opaque cursor)",
  request: { query: PageQuery },
  responses: ok(paged(AgentView)),
});

const getAgentRoute = adminRoute({
  method: "get",
  path: "/agents/{agentId}",
  tag: "agents",
  access: "org",
  summary: "Read an agent with its active mandate",
  request: { params: AgentParams },
  responses: ok(AgentWithMandateView),
  errors: [404],
});

const patchAgent = adminRoute({
  method: "patch",
  path: "/agents/{agentId}",
  tag: "agents",
  access: "org",
  summary: "Update an agent (isDefault: true unsets the others)",
  request: { params: AgentParams, body: body(UpdateAgentBody) },
  responses: ok(AgentView),
  errors: [404, 409],
});

const deleteAgentRoute = adminRoute({
  method: "delete",
  path: "/agents/{agentId}",
  tag: "agents",
  access: "org",
  summary: "Delete an agent and revoke its agent keys",
  request: { params: AgentParams },
  responses: ok(Deleted),
  errors: [404],
});

const putMandateRoute = adminRoute({
  method: "put",
  path: "/agents/{agentId}/mandate",
  tag: "mandates",
  access: "org",
  summary: "Set the agent's mandate (a new version; amounts in major units)",
  request: { params: AgentParams, body: body(PutMandateBody) },
  responses: ok(MandateView),
  errors: [404],
});

const getMandateRoute = adminRoute({
  method: "get",
  path: "/agents/{agentId}/mandate",
  tag: "mandates",
  access: "org",
  summary: "Read the agent's current mandate",
  request: { params: AgentParams },
  responses: ok(MandateView),
  errors: [404],
});

const getMandateVersions = adminRoute({
  method: "get",
  path: "/agents/{agentId}/mandate/versions",
  tag: "mandates",
  access: "org",
  summary: "List every version of the agent's mandate, newest first",
  request: { params: AgentParams },
  responses: ok(listOf(MandateView)),
  errors: [404],
});

export function agentRoutes(app: AdminApp): void {
  app.openapi(postAgent, async (c) =>
    c.json(await createAgent(c.env, c.var.orgId, c.req.valid("json"), c.var.now), 201),
  );
  app.openapi(getAgents, async (c) =>
    c.json(await listAgents(c.env, c.var.orgId, c.req.valid("query")), 200),
  );
  app.openapi(getAgentRoute, async (c) =>
    c.json(await getAgent(c.env, c.var.orgId, c.req.valid("param").agentId), 200),
  );
  app.openapi(patchAgent, async (c) => {
    const { agentId } = c.req.valid("param");
    return c.json(await updateAgent(c.env, c.var.orgId, agentId, c.req.valid("json"), c.var.now), 200);
  });
  app.openapi(deleteAgentRoute, async (c) =>
    c.json(await deleteAgent(c.env, c.var.orgId, c.req.valid("param").agentId, c.var.now), 200),
  );
  mandateRoutes(app);
}

function mandateRoutes(app: AdminApp): void {
  app.openapi(putMandateRoute, async (c) => {
    const { agentId } = c.req.valid("param");
    return c.json(await putMandate(c.env, c.var.orgId, agentId, c.req.valid("json"), c.var.now), 200);
  });
  app.openapi(getMandateRoute, async (c) =>
    c.json(await getMandate(c.env, c.var.orgId, c.req.valid("param").agentId), 200),
  );
  app.openapi(getMandateVersions, async (c) => {
    const data = await listMandateVersions(c.env, c.var.orgId, c.req.valid("param").agentId);
    return c.json({ data }, 200);
  });
}
