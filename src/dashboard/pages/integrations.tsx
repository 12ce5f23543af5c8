// Upstreams and webhooks: list and add upstream MCP servers; list and add webhook endpoints, send a
// signed test event, read an endpoint's delivery log and redeliver one delivery.
import type { Hono } from "hono";
import { AppError } from "../../errors";
import { redeliver, sendTestEvent } from "../../events";
import { CreateUpstreamBody, CreateWebhookBody } from "../../services/schemas/upstreams";
import { createUpstream, listUpstreams } from "../../services/upstreams";
import { validate } from "../../services/validate";
import { createWebhook, listDeliveries, listWebhooks } from "../../services/webhooks";
import { act, field, form, userFacing } from "../actions";
import { type DashContext, type DashEnv, setFlash, view } from "../context";
import { money, time } from "../format";
import { Csrf, Layout, SecretOnce } from "../layout";

async function integrationsPage(c: DashContext, createdSecret: { id: string; secret: string } | null) {
  const v = view(c);
  const orgId = c.get("session").orgId;
  const [ups, hooks] = await Promise.all([listUpstreams(c.env, orgId), listWebhooks(c.env, orgId)]);
  return c.html(
    <Layout v={v} title="Upstreams and webhooks">
      <h2>Upstream MCP servers</h2>
      <div class="table-wrap">
        <table id="upstreams">
          <thead>
            <tr>
              <th scope="col">Namespace</th>
              <th scope="col">URL</th>
              <th scope="col">Status</th>
              <th scope="col">Configured prices</th>
            </tr>
          </thead>
          <tbody>
            {ups.map((u) => (
              <tr>
                <td>{u.namespace}</td>
                <td>
                  <code>{u.url}</code>
                </td>
                <td>{u.status}</td>
                <td>
                  {Object.entries(u.toolPrices)
                    .map(([tool, p]) => `${tool}: ${money(p)}`)
                    .join(", ") || "—"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form method="post" action="/dashboard/upstreams" class="row card" aria-label="Add upstream">
        <Csrf token={v.csrf} />
        <label for="u-ns">
          Namespace
          <input id="u-ns" name="namespace" required size={12} />
        </label>
        <label for="u-url">
          URL
          <input id="u-url" name="url" type="url" required size={36} />
        </label>
        <button type="submit">Add upstream</button>
      </form>

      <h2>Webhooks</h2>
      {createdSecret ? (
        <SecretOnce
          id="webhook-secret"
          title="Webhook created."
          note="Its signing secret is shown once:"
          secret={createdSecret.secret}
        />
      ) : null}
      <div class="table-wrap">
        <table id="webhooks">
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col">Events</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {hooks.map((h) => (
              <tr data-webhook={h.id}>
                <td>
                  <a href={`/dashboard/webhooks/${h.id}`}>{h.url}</a>
                </td>
                <td>{h.events.length === 0 ? "all" : h.events.join(", ")}</td>
                <td>
                  {h.status}
                  {h.disabledReason ? ` (${h.disabledReason})` : ""}
                </td>
                <td>
                  <form method="post" action={`/dashboard/webhooks/${h.id}/test`} class="inline">
                    <Csrf token={v.csrf} />
                    <button type="submit" class="secondary" aria-label={`Send a test event to ${h.url}`}>
                      Send test event
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form method="post" action="/dashboard/webhooks" class="row card" aria-label="Add webhook">
        <Csrf token={v.csrf} />
        <label for="w-url">
          URL
          <input id="w-url" name="url" type="url" required size={36} />
        </label>
        <label for="w-events">
          Events (comma-separated, empty for all)
          <input id="w-events" name="events" size={24} />
        </label>
        <button type="submit">Add webhook</button>
      </form>
    </Layout>,
  );
}

export function integrationRoutes(app: Hono<DashEnv>) {
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

  app.post("/webhooks", async (c) => {
    const f = await form(c);
    try {
      const events = field(f, "events")
        .split(",")
        .map((e) => e.trim())
        .filter(Boolean);
      const body = validate(CreateWebhookBody, { url: field(f, "url"), events }, "form");
      const h = await createWebhook(c.env, c.get("session").orgId, body, Date.now());
      return await integrationsPage(c, { id: h.id, secret: h.secret });
    } catch (err) {
      if (!userFacing(err)) throw err;
      setFlash(c, "error", err.message);
      return c.redirect("/dashboard/integrations", 303);
    }
  });

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
    const v = view(c);
    const orgId = c.get("session").orgId;
    const id = c.req.param("id");
    const [deliveries, hooks] = await Promise.all([
      listDeliveries(c.env, orgId, id),
      listWebhooks(c.env, orgId),
    ]);
    const hook = hooks.find((h) => h.id === id);
    return c.html(
      <Layout v={v} title="Webhook deliveries">
        <p>
          <code>{hook?.url}</code> — {hook?.status}.{" "}
          <a href="/dashboard/integrations">Back to upstreams and webhooks</a>
        </p>
        <form method="post" action={`/dashboard/webhooks/${id}/test`}>
          <Csrf token={v.csrf} />
          <button type="submit" class="secondary">
            Send test event
          </button>
        </form>
        <div class="table-wrap">
          <table id="deliveries">
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last answer</th>
                <th scope="col">Next attempt</th>
                <th scope="col">Redeliver</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((d) => (
                <tr data-delivery={d.id}>
                  <td>{time(d.createdAt, v.tz)}</td>
                  <td>{d.eventType}</td>
                  <td
                    class={`status ${d.status === "delivered" ? "committed" : d.status === "failed" ? "denied" : "pending"}`}
                  >
                    {d.status}
                  </td>
                  <td>{d.attempts}</td>
                  <td>{d.lastStatus ?? d.lastError ?? "—"}</td>
                  <td>{time(d.nextAttemptAt, v.tz)}</td>
                  <td>
                    <form
                      method="post"
                      action={`/dashboard/webhooks/${id}/deliveries/${d.id}/redeliver`}
                      class="inline"
                    >
                      <Csrf token={v.csrf} />
                      <button type="submit" class="secondary">
                        Redeliver
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {deliveries.length === 0 ? <p class="muted">No deliveries yet.</p> : null}
      </Layout>,
    );
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
