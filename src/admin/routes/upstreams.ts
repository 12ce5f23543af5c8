// Routes: upstream MCP servers (outbound URLs with write-only header values).
import { z } from "@hono/zod-openapi";
import { Deleted, listOf } from "../../services/schemas/common";
import { CreateUpstreamBody, UpdateUpstreamBody, UpstreamView } from "../../services/schemas/upstreams";
import {
  createUpstream,
  deleteUpstream,
  getUpstream,
  listUpstreams,
  updateUpstream,
} from "../../services/upstreams";
import { type AdminApp, adminRoute, body, created, ok } from "../define";

const UpstreamParams = z.object({ upstreamId: z.string() });

const postUpstream = adminRoute({
  method: "post",
  path: "/upstreams",
  tag: "upstreams",
  access: "org",
  summary: "Add an upstream MCP server (header values are write-only)",
  request: { body: body(CreateUpstreamBody) },
  responses: created(UpstreamView),
  errors: [404, 409],
});

const getUpstreams = adminRoute({
  method: "get",
  path: "/upstreams",
  tag: "upstreams",
  access: "org",
  summary: "List upstreams",
  responses: ok(listOf(UpstreamView)),
});

const getUpstreamRoute = adminRoute({
  method: "get",
  path: "/upstreams/{upstreamId}",
  tag: "upstreams",
  access: "org",
  summary: "Read one upstream",
  request: { params: UpstreamParams },
  responses: ok(UpstreamView),
  errors: [404],
});

const patchUpstream = adminRoute({
  method: "patch",
  path: "/upstreams/{upstreamId}",
  tag: "upstreams",
  access: "org",
  summary: "Update an upstream (headers, when given, replace all stored headers)",
  request: { params: UpstreamParams, body: body(UpdateUpstreamBody) },
  responses: ok(UpstreamView),
  errors: [404, 409],
});

const deleteUpstreamRoute = adminRoute({
  method: "delete",
  path: "/upstreams/{upstreamId}",
  tag: "upstreams",
  access: "org",
  summary: "Delete an upstream (PATCH status: disabled keeps it)",
  request: { params: UpstreamParams },
  responses: ok(Deleted),
  errors: [404],
});

export function upstreamRoutes(app: AdminApp): void {
  app.openapi(postUpstream, async (c) =>
    c.json(await createUpstream(c.env, c.var.orgId, c.req.valid("json"), c.var.now), 201),
  );
  app.openapi(getUpstreams, async (c) => c.json({ data: await listUpstreams(c.env, c.var.orgId) }, 200));
  app.openapi(getUpstreamRoute, async (c) =>
    c.json(await getUpstream(c.env, c.var.orgId, c.req.valid("param").upstreamId), 200),
  );
  app.openapi(patchUpstream, async (c) => {
    const { upstreamId } = c.req.valid("param");
    return c.json(await updateUpstream(c.env, c.var.orgId, upstreamId, c.req.valid("json")), 200);
  });
  app.openapi(deleteUpstreamRoute, async (c) =>
    c.json(await deleteUpstream(c.env, c.var.orgId, c.req.valid("param").upstreamId), 200),
  );
}
