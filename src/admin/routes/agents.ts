// Routes: agents and their mandates.

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
import { Deleted, listOf } from "../../services/schemas/common";
import type { AdminRouter } from "../define";

export function agentRoutes(r: AdminRouter): void {
  r.add({
    method: "post",
    path: "/agents",
    tag: "agents",
    access: "org",
    summary: "Create an agent (names are unique per org)",
    body: CreateAgentBody,
    response: AgentView,
    status: 201,
    errors: [409],
    handle: ({ env, orgId, body, now }) => createAgent(env, orgId, body, now),
  })
    .add({
      method: "get",
      path: "/agents",
      tag: "agents",
      access: "org",
      summary: "List agents",
      response: listOf(AgentView),
      handle: async ({ env, orgId }) => ({ data: await listAgents(env, orgId) }),
    })
    .add({
      method: "get",
      path: "/agents/:agentId",
      tag: "agents",
      access: "org",
      summary: "Read an agent with its active mandate",
      response: AgentWithMandateView,
      errors: [404],
      handle: ({ env, orgId, params }) => getAgent(env, orgId, params.agentId!),
    })
    .add({
      method: "patch",
      path: "/agents/:agentId",
      tag: "agents",
      access: "org",
      summary: "Update an agent (isDefault: true unsets the others)",
      body: UpdateAgentBody,
      response: AgentView,
      errors: [404, 409],
      handle: ({ env, orgId, params, body, now }) => updateAgent(env, orgId, params.agentId!, body, now),
    })
    .add({
      method: "delete",
      path: "/agents/:agentId",
      tag: "agents",
      access: "org",
      summary: "Delete an agent and revoke its agent keys",
      response: Deleted,
      errors: [404],
      handle: ({ env, orgId, params, now }) => deleteAgent(env, orgId, params.agentId!, now),
    })
    .add({
      method: "put",
      path: "/agents/:agentId/mandate",
      tag: "mandates",
      access: "org",
      summary: "Set the agent's mandate (a new version; amounts in major units)",
      body: PutMandateBody,
      response: MandateView,
      errors: [404],
      handle: ({ env, orgId, params, body, now }) => putMandate(env, orgId, params.agentId!, body, now),
    })
    .add({
      method: "get",
      path: "/agents/:agentId/mandate",
      tag: "mandates",
      access: "org",
      summary: "Read the agent's current mandate",
      response: MandateView,
      errors: [404],
      handle: ({ env, orgId, params }) => getMandate(env, orgId, params.agentId!),
    })
    .add({
      method: "get",
      path: "/agents/:agentId/mandate/versions",
      tag: "mandates",
      access: "org",
      summary: "List every version of the agent's mandate, newest first",
      response: listOf(MandateView),
      errors: [404],
      handle: async ({ env, orgId, params }) => ({
        data: await listMandateVersions(env, orgId, params.agentId!),
      }),
    });
}
