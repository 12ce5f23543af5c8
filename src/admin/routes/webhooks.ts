// Routes: webhook endpoints (the signing secret is shown once) and their deliveries.
import { z } from "@hono/zod-openapi";
import { Deleted, listOf } from "../../services/schemas/common";
import {
  CreatedWebhookView,
  CreateWebhookBody,
  DeliveryView,
  WebhookView,
} from "../../services/schemas/upstreams";
import {
  createWebhook,
  deleteWebhook,
  enableWebhook,
  listDeliveries,
  listWebhooks,
  redeliverWebhook,
  testWebhook,
} from "../../services/webhooks";
import { type AdminApp, adminRoute, body, created, ok } from "../define";

const WebhookParams = z.object({ webhookId: z.string() });

const postWebhook = adminRoute({
  method: "post",
  path: "/webhooks",
  tag: "webhooks",
  access: "org",
  summary: "Add a webhook endpoint (the signing secret is shown once)",
  request: { body: body(CreateWebhookBody) },
  responses: created(CreatedWebhookView),
});

const getWebhooks = adminRoute({
  method: "get",
  path: "/webhooks",
  tag: "webhooks",
  access: "org",
  summary: "List webhook endpoints (never the secret)",
  responses: ok(listOf(WebhookView)),
});

const testRoute = adminRoute({
  method: "post",
  path: "/webhooks/{webhookId}/test",
  tag: "webhooks",
  access: "org",
  summary: "Send a signed webhook.test event to this endpoint",
  request: { params: WebhookParams },
  responses: ok(z.object({ eventId: z.string(), deliveryId: z.string() })),
  errors: [404, 409],
});

const enableRoute = adminRoute({
  method: "post",
  path: "/webhooks/{webhookId}/enable",
  tag: "webhooks",
  access: "org",
  summary: "Re-enable an endpoint disabled after failing for days",
  request: { params: WebhookParams },
  responses: ok(WebhookView),
  errors: [404],
});

const redeliverRoute = adminRoute({
  method: "post",
  path: "/webhook-deliveries/{deliveryId}/redeliver",
  tag: "webhooks",
  access: "org",
  summary: "Send one delivery again now (same event id)",
  request: { params: z.object({ deliveryId: z.string() }) },
  responses: ok(z.object({ deliveryId: z.string(), nextAttemptAt: z.number().int() })),
  errors: [404],
});

const deleteRoute = adminRoute({
  method: "delete",
  path: "/webhooks/{webhookId}",
  tag: "webhooks",
  access: "org",
  summary: "Delete a webhook endpoint",
  request: { params: WebhookParams },
  responses: ok(Deleted),
  errors: [404],
});

const deliveriesRoute = adminRoute({
  method: "get",
  path: "/webhooks/{webhookId}/deliveries",
  tag: "webhooks",
  access: "org",
  summary: "Recent deliveries to a webhook endpoint, newest first",
  request: { params: WebhookParams },
  responses: ok(listOf(DeliveryView)),
  errors: [404],
});

export function webhookRoutes(app: AdminApp): void {
  app.openapi(postWebhook, async (c) =>
    c.json(await createWebhook(c.env, c.var.orgId, c.req.valid("json"), c.var.now), 201),
  );
  app.openapi(getWebhooks, async (c) => c.json({ data: await listWebhooks(c.env, c.var.orgId) }, 200));
  app.openapi(testRoute, async (c) =>
    c.json(await testWebhook(c.env, c.var.orgId, c.req.valid("param").webhookId), 200),
  );
  app.openapi(enableRoute, async (c) =>
    c.json(await enableWebhook(c.env, c.var.orgId, c.req.valid("param").webhookId), 200),
  );
  app.openapi(redeliverRoute, async (c) =>
    c.json(await redeliverWebhook(c.env, c.var.orgId, c.req.valid("param").deliveryId), 200),
  );
  app.openapi(deleteRoute, async (c) =>
    c.json(await deleteWebhook(c.env, c.var.orgId, c.req.valid("param").webhookId), 200),
  );
  app.openapi(deliveriesRoute, async (c) => {
    const data = await listDeliveries(c.env, c.var.orgId, c.req.valid("param").webhookId);
    return c.json({ data }, 200);
  });
}
