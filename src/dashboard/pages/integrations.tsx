// Upstreams and webhooks: add upstream MCP servers and webhook endpoints, send a signed test event,
// read an endpoint's delivery log and redeliver one delivery; views in views/integrations.tsx.
import type { Hono } from "hono";
import { AppError } from "../../errors";
import { redeliver, sendTestEvent } from "../../events";
import { CreateUpstreamBody, CreateWebhookBody } from "../../services/schemas/upstreams";
import { createUpstream, listUpstreams } from "../../services/upstreams";
import { validate } from "../../services/validate";
import { createWebhook, listDeliveries, listWebhooks } from "../../services/webhooks";
import { act, field, form, userFacing } from "../actions";
import { type DashContext, type DashEnv, setFlash, view } from "../context";
import { DeliveriesPage, IntegrationsPage } from "../views/integrations";

type App = Hono<DashEnv>;

async function integrationsPage(c: DashContext, createdSecret: string | null) {
  const orgId = c.get("session").orgId;
  const [upstreams, webhooks] = await Promise.all([listUpstreams(c.env, orgId), listWebhooks(c.env, orgId)]);
  return c.html(
    <IntegrationsPage v={view(c)} upstreams={upstreams} webhooks={webhooks} createdSecret={createdSecret} />,
  );
}

function upstreamRoutes(app: App) {
  app.get("/integrations", (c) => integrationsPage(c, null));

  app.post("/upstreams", async (c) => {
    const f = await form(c);
    return act(c, "/dashboard/integrations", async () => {
      const body = validate(
        CreateUpstreamBody,
        { namespace: field(f, "namespace"), url: field(f, "url") },
        "form",
      );
      const u = await createUpstream(c.env, c.get("session").orgId, body, Date.now());
      return `Added upstream ${u.namespace}.`;
    });
  });
}

/** The new endpoint's signing secret is shown on the response page, once, never in a URL. */
function createWebhookRoute(app: App) {
  app.post("/webhooks", async (c) => {
    const f = await form(c);
    try {
      const events = field(f, "events")
        .split(",")
        .map((e) => e.trim())
        .filter(Boolean);
      const body = validate(CreateWebhookBody, { url: field(f, "url"), events }, "form");
      const h = await createWebhook(c.env, c.get("session").orgId, body, Date.now());
      return await integrationsPage(c, h.secret);
    } catch (err) {
      if (!userFacing(err)) throw err;
      setFlash(c, "error", err.message);
      return c.redirect("/dashboard/integrations", 303);
    }
  });
}

function webhookRoutes(app: App) {
  app.post("/webhooks/:id/test", (c) => {
    const id = c.req.param("id");
    return act(c, `/dashboard/webhooks/${id}`, async () => {
      const r = await sendTestEvent(c.env, c.get("session").orgId, id);
      if (!r.ok)
        throw new AppError(
          r.reason === "not_found" ? "NOT_FOUND" : "CONFLICT",
          `Test event not sent: ${r.reason}`,
        );
      return `Test event ${r.eventId} queued.`;
    });
  });

  app.get("/webhooks/:id", async (c) => {
    const orgId = c.get("session").orgId;
    const id = c.req.param("id");
    const [deliveries, hooks] = await Promise.all([
      listDeliveries(c.env, orgId, id),
      listWebhooks(c.env, orgId),
    ]);
    const hook = hooks.find((h) => h.id === id);
    return c.html(<DeliveriesPage v={view(c)} id={id} hook={hook} deliveries={deliveries} />);
  });

  app.post("/webhooks/:id/deliveries/:deliveryId/redeliver", (c) => {
    const id = c.req.param("id");
    return act(c, `/dashboard/webhooks/${id}`, async () => {
      const r = await redeliver(c.env, c.get("session").orgId, c.req.param("deliveryId"));
      if (!r.ok) throw new AppError("NOT_FOUND", "Delivery not found");
      return `Delivery ${r.deliveryId} queued again.`;
    });
  });
}

export function integrationRoutes(app: App) {
  upstreamRoutes(app);
  createWebhookRoute(app);
  webhookRoutes(app);
}
