// Routes: orgs (deployment admin), org settings, API keys.

import { createKey, listKeys, revokeKey } from "../../services/keys";
import { createOrg, getOrg, listOrgs, updateOrg } from "../../services/orgs";
import { listOf } from "../../services/schemas/common";
import {
  CreatedKeyView,
  CreatedOrgView,
  CreateKeyBody,
  CreateOrgBody,
  KeyView,
  OrgView,
  UpdateOrgBody,
} from "../../services/schemas/orgs";
import type { AdminRouter } from "../define";

export function orgRoutes(r: AdminRouter): void {
  r.add({
    method: "post",
    path: "/orgs",
    tag: "orgs",
    access: "deployment",
    summary: "Create an org and its first org admin key (the secret is shown once)",
    body: CreateOrgBody,
    response: CreatedOrgView,
    status: 201,
    handle: ({ env, body, now }) => createOrg(env, body, now),
  })
    .add({
      method: "get",
      path: "/orgs",
      tag: "orgs",
      access: "deployment",
      summary: "List every org",
      response: listOf(OrgView),
      handle: async ({ env }) => ({ data: await listOrgs(env) }),
    })
    .add({
      method: "get",
      path: "",
      tag: "orgs",
      access: "org",
      summary: "Read an org and its settings",
      response: OrgView,
      handle: ({ env, orgId }) => getOrg(env, orgId),
    })
    .add({
      method: "patch",
      path: "",
      tag: "orgs",
      access: "org",
      summary: "Update name, time zone, conversions or the budget warning threshold",
      body: UpdateOrgBody,
      response: OrgView,
      handle: ({ env, orgId, body }) => updateOrg(env, orgId, body),
    })
    .add({
      method: "post",
      path: "/keys",
      tag: "keys",
      access: "org",
      summary: "Create an API key (the secret is shown once)",
      body: CreateKeyBody,
      response: CreatedKeyView,
      status: 201,
      errors: [404],
      handle: ({ env, orgId, body, now }) => createKey(env, orgId, body, now),
    })
    .add({
      method: "get",
      path: "/keys",
      tag: "keys",
      access: "org",
      summary: "List API keys (never the secret or its hash)",
      response: listOf(KeyView),
      handle: async ({ env, orgId }) => ({ data: await listKeys(env, orgId) }),
    })
    .add({
      method: "post",
      path: "/keys/:keyId/revoke",
      tag: "keys",
      access: "org",
      summary: "Revoke an API key (idempotent)",
      response: KeyView,
      errors: [404],
      handle: ({ env, orgId, params, now }) => revokeKey(env, orgId, params.keyId!, now),
    });
}
