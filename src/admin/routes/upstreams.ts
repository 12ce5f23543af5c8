// Routes: upstream MCP servers and webhook endpoints (both outbound URLs with write-only secrets).

import { z } from "zod";
import { Deleted, listOf } from "../../services/schemas/common";
import {
  CreatedWebhookView,
  CreateUpstreamBody,
  CreateWebhookBody,
  DeliveryView,
  UpdateUpstreamBody,
  UpstreamView,
  WebhookView,
} from "../../services/schemas/upstreams";
import {
  createUpstream,
  deleteUpstream,
  getUpstream,
  listUpstreams,
  updateUpstream,
} from "../../services/upstreams";
import {
  createWebhook,
  deleteWebhook,
  enableWebhook,
  listDeliveries,
  listWebhooks,
  redeliverWebhook,
  testWebhook,
} from "../../services/webhooks";
import type { AdminRouter } from "../define";

export function upstreamRoutes(r: AdminRouter): void {
  r.add({
    method: "post",
    path: "/upstreams",
    tag: "upstreams",
    access: "org",
    summary: "Add an upstream MCP server (header values are write-only)",
    body: CreateUpstreamBody,
    response: UpstreamView,
    status: 201,
    errors: [404, 409],
    handle: ({ env, orgId, body, now }) => createUpstream(env, orgId, body, now),
  })
    .add({
      method: "get",
      path: "/upstreams",
      tag: "upstreams",
      access: "org",
      summary: "List upstreams",
      response: listOf(UpstreamView),
      handle: async ({ env, orgId }) => ({ data: await listUpstreams(env, orgId) }),
    })
    .add({
      method: "get",
      path: "/upstreams/:upstreamId",
      tag: "upstreams",
      access: "org",
      summary: "Read one upstream",
      response: UpstreamView,
      errors: [404],
      handle: ({ env, orgId, params }) => getUpstream(env, orgId, params.upstreamId!),
    })
    .add({
      method: "patch",
      path: "/upstreams/:upstreamId",
      tag: "upstreams",
      access: "org",
      summary: "Update an upstream (headers, when given, replace all stored headers)",
      body: UpdateUpstreamBody,
      response: UpstreamView,
      errors: [404, 409],
      handle: ({ env, orgId, params, body }) => updateUpstream(env, orgId, params.upstreamId!, body),
    })
    .add({
      method: "delete",
      path: "/upstreams/:upstreamId",
      tag: "upstreams",
      access: "org",
      summary: "Delete an upstream (PATCH status: disabled keeps it)",
      response: Deleted,
      errors: [404],
      handle: ({ env, orgId, params }) => deleteUpstream(env, orgId, params.upstreamId!),
    })
    .add({
      method: "post",
      path: "/webhooks",
      tag: "webhooks",
      access: "org",
      summary: "Add a webhook endpoint (the signing secret is shown once)",
      body: CreateWebhookBody,
      response: CreatedWebhookView,
      status: 201,
      handle: ({ env, orgId, body, now }) => createWebhook(env, orgId, body, now),
    })
    .add({
      method: "get",
      path: "/webhooks",
      tag: "webhooks",
      access: "org",
      summary: "List webhook endpoints (never the secret)",
      response: listOf(WebhookView),
      handle: async ({ env, orgId }) => ({ data: await listWebhooks(env, orgId) }),
    })
    .add({
      method: "post",
      path: "/webhooks/:webhookId/test",
      tag: "webhooks",
      access: "org",
      summary: "Send a signed webhook.test event to this endpoint",
      response: z.object({ eventId: z.string(), deliveryId: z.string() }),
      errors: [404, 409],
      handle: ({ env, orgId, params }) => testWebhook(env, orgId, params.webhookId!),
    })
    .add({
      method: "post",
      path: "/webhooks/:webhookId/enable",
      tag: "webhooks",
      access: "org",
      summary: "Re-enable an endpoint disabled after failing for days",
      response: WebhookView,
      errors: [404],
      handle: ({ env, orgId, params }) => enableWebhook(env, orgId, params.webhookId!),
    })
    .add({
      method: "post",
      path: "/webhook-deliveries/:deliveryId/redeliver",
      tag: "webhooks",
      access: "org",
      summary: "Send one delivery again now (same event id)",
      response: z.object({ deliveryId: z.string(), nextAttemptAt: z.number().int() }),
      errors: [404],
      handle: ({ env, orgId, params }) => redeliverWebhook(env, orgId, params.deliveryId!),
    })
    .add({
      method: "delete",
      path: "/webhooks/:webhookId",
      tag: "webhooks",
      access: "org",
      summary: "Delete a webhook endpoint",
      response: Deleted,
      errors: [404],
      handle: ({ env, orgId, params }) => deleteWebhook(env, orgId, params.webhookId!),
    })
    .add({
      method: "get",
      path: "/webhooks/:webhookId/deliveries",
      tag: "webhooks",
      access: "org",
      summary: "Recent deliveries to a webhook endpoint, newest first",
      response: listOf(DeliveryView),
      errors: [404],
      handle: async ({ env, orgId, params }) => ({
        data: await listDeliveries(env, orgId, params.webhookId!),
      }),
    });
}
