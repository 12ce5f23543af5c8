// Upstreams and webhooks as the operator reads them: the upstream list with its add form, the webhook
// list with its add form (the new signing secret shown once), and one endpoint's delivery log.
import type { DeliveryView, UpstreamView, WebhookView } from "../../services/schemas/upstreams";
import type { View } from "../context";
import { money, time } from "../format";
import { Input } from "./field";
import { Csrf, Layout, SecretOnce } from "./layout";

export function IntegrationsPage(props: {
  v: View;
  upstreams: UpstreamView[];
  webhooks: WebhookView[];
  createdSecret: string | null;
}) {
  const { v } = props;
  return (
    <Layout v={v} title="Upstreams and webhooks">
      <h2>Upstream MCP servers</h2>
      <Upstreams rows={props.upstreams} />
      <form method="post" action="/dashboard/upstreams" class="row card" aria-label="Add upstream">
        <Csrf token={v.csrf} />
        <Input id="u-ns" name="namespace" label="Namespace" required size={12} />
        <Input id="u-url" name="url" label="URL" type="url" required size={36} />
        <button type="submit">Add upstream</button>
      </form>

      <h2>Webhooks</h2>
      {props.createdSecret ? (
        <SecretOnce
          id="webhook-secret"
          title="Webhook created."
          note="Its signing secret is shown once:"
          secret={props.createdSecret}
        />
      ) : null}
      <Webhooks rows={props.webhooks} csrf={v.csrf} />
      <form method="post" action="/dashboard/webhooks" class="row card" aria-label="Add webhook">
        <Csrf token={v.csrf} />
        <Input id="w-url" name="url" label="URL" type="url" required size={36} />
        <Input id="w-events" name="events" label="Events" hint="Comma-separated; empty for all." size={24} />
        <button type="submit">Add webhook</button>
      </form>
    </Layout>
  );
}

function Upstreams({ rows }: { rows: UpstreamView[] }) {
  return (
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
          {rows.map((u) => (
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
  );
}

function Webhooks({ rows, csrf }: { rows: WebhookView[]; csrf: string }) {
  return (
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
          {rows.map((h) => (
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
                  <Csrf token={csrf} />
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
  );
}

function deliveryClass(status: string): string {
  return status === "delivered" ? "committed" : status === "failed" ? "denied" : "pending";
}

function DeliveryRow({ d, hookId, v }: { d: DeliveryView; hookId: string; v: View }) {
  return (
    <tr data-delivery={d.id}>
      <td>{time(d.createdAt, v.tz)}</td>
      <td>{d.eventType}</td>
      <td class={`status ${deliveryClass(d.status)}`}>{d.status}</td>
      <td>{d.attempts}</td>
      <td>{d.lastStatus ?? d.lastError ?? "—"}</td>
      <td>{time(d.nextAttemptAt, v.tz)}</td>
      <td>
        <form
          method="post"
          action={`/dashboard/webhooks/${hookId}/deliveries/${d.id}/redeliver`}
          class="inline"
        >
          <Csrf token={v.csrf} />
          <button type="submit" class="secondary">
            Redeliver
          </button>
        </form>
      </td>
    </tr>
  );
}

export function DeliveriesPage(props: {
  v: View;
  id: string;
  hook: WebhookView | undefined;
  deliveries: DeliveryView[];
}) {
  const { v, id } = props;
  return (
    <Layout v={v} title="Webhook deliveries">
      <p>
        <code>{props.hook?.url}</code> — {props.hook?.status}.{" "}
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
            {props.deliveries.map((d) => (
              <DeliveryRow d={d} hookId={id} v={v} />
            ))}
          </tbody>
        </table>
      </div>
      {props.deliveries.length === 0 ? <p class="muted">No deliveries yet.</p> : null}
    </Layout>
  );
}
