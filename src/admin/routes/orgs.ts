// Routes: orgs (deployment admin), org settings, API keys.
import { z } from "@hono/zod-openapi";
import { createKey, listKeys, revokeKey } from "../../services/keys";
import { createOrg, getOrg, listOrgs, updateOrg } from "../../services/orgs";
import { listOf, PageQuery, paged } from "../../services/schemas/common";
import {
  CreatedKeyView,
  CreatedOrgView,
  CreateKeyBody,
  CreateOrgBody,
  KeyView,
  OrgView,
  UpdateOrgBody,
} from "../../services/schemas/orgs";
import { type AdminApp, adminRoute, body, created, ok } from "../define";

const postOrgs = adminRoute({
  method: "post",
  path: "/orgs",
  tag: "orgs",
  access: "deployment",
  summary: "Create an org and its first org admin key (the secret is shown once)",
  request: { body: body(CreateOrgBody) },
  responses: created(CreatedOrgView),
});

const getOrgs = adminRoute({
  method: "get",
  path: "/orgs",
  tag: "orgs",
  access: "deployment",
  summary: "List every org",
  responses: ok(listOf(OrgView)),
});

export function deploymentOrgRoutes(app: AdminApp): void {
  app.openapi(postOrgs, async (c) => c.json(await createOrg(c.env, c.req.valid("json"), c.var.now), 201));
  app.openapi(getOrgs, async (c) => c.json({ data: await listOrgs(c.env) }, 200));
}

const getOrgRoute = adminRoute({
  method: "get",
  path: "/",
  tag: "orgs",
  access: "org",
  summary: "Read an org and its settings",
  responses: ok(OrgView),
});

const patchOrg = adminRoute({
  method: "patch",
  path: "/",
  tag: "orgs",
  access: "org",
  summary: "Update name, time zone, conversions or the budget warning threshold",
  request: { body: body(UpdateOrgBody) },
  responses: ok(OrgView),
});

const postKey = adminRoute({
  method: "post",
  path: "/keys",
  tag: "keys",
  access: "org",
  summary: "Create an API key (the secret is shown once)",
  request: { body: body(CreateKeyBody) },
  responses: created(CreatedKeyView),
  errors: [404],
});

const getKeys = adminRoute({
  method: "get",
  path: "/keys",
  tag: "keys",
  access: "org",
  summary: "List API keys, newest first, a page at a time (never the secret or its hash)",
  request: { query: PageQuery },
  responses: ok(paged(KeyView)),
});

const revokeKeyRoute = adminRoute({
  method: "post",
  path: "/keys/{keyId}/revoke",
  tag: "keys",
  access: "org",
  summary: "Revoke an API key (idempotent)",
  request: { params: z.object({ keyId: z.string() }) },
  responses: ok(KeyView),
  errors: [404],
});

export function orgRoutes(app: AdminApp): void {
  app.openapi(getOrgRoute, async (c) => c.json(await getOrg(c.env, c.var.orgId), 200));
  app.openapi(patchOrg, async (c) => c.json(await updateOrg(c.env, c.var.orgId, c.req.valid("json")), 200));
  app.openapi(postKey, async (c) =>
    c.json(await createKey(c.env, c.var.orgId, c.req.valid("json"), c.var.now), 201),
  );
  app.openapi(getKeys, async (c) => c.json(await listKeys(c.env, c.var.orgId, c.req.valid("query")), 200));
  app.openapi(revokeKeyRoute, async (c) =>
    c.json(await revokeKey(c.env, c.var.orgId, c.req.valid("param").keyId, c.var.now), 200),
  );
}
