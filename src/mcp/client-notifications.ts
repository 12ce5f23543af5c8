// A client's notifications by what they are about. notifications/cancelled goes to the upstream
// serving the request it names (noted per session in request-routes.ts, so any isolate can route
// it), notifications/progress to the upstream whose server request carried the token; neither is
// ever broadcast, and both are rebuilt from their known fields, never forwarded as sent. Other
// notifications (initialized, roots/list_changed) concern every upstream of the session.
// Cancelling never touches money: a paid retry runs detached and settles by the upstream's answer.
import { z } from "zod";
import type { JsonRpcId } from "../protocol/jsonrpc";
import { forward } from "../upstream/forward";
import { forwardOptions, type GatewayCtx } from "./context";
import { broadcast } from "./lifecycle";
import { upstreamProgressToken } from "./server-requests";

type Upstream = GatewayCtx["tenant"]["upstreams"][number];

const Cancelled = z.looseObject({
  requestId: z.union([z.string().max(512), z.number().int()]),
  reason: z.string().optional(),
});
const Progress = z.looseObject({
  progressToken: z.union([z.string(), z.number()]),
  progress: z.number(),
  total: z.number().optional(),
  message: z.string().optional(),
});

const accepted = () => new Response(null, { status: 202 });

function routes(g: GatewayCtx) {
  // Per (org, agent, session): a request id names nothing outside the session that sent it.
  return g.env.REQUEST_ROUTES.getByName(`${g.tenant.orgId}|${g.tenant.agent.id}|${g.session?.n ?? "-"}`);
}

function keyOf(id: JsonRpcId): string {
  return JSON.stringify(id);
}

async function send(g: GatewayCtx, upstream: Upstream, method: string, params: Record<string, unknown>) {
  const body = JSON.stringify({ jsonrpc: "2.0", method, params });
  const sent = await forward(upstream, body, forwardOptions(g, upstream.id));
  if (sent.ok) await sent.response.body?.cancel();
}

function cancelParams(requestId: JsonRpcId, reason: string | null | undefined) {
  return { requestId, ...(typeof reason === "string" ? { reason: reason.slice(0, 500) } : {}) };
}

/**
 * Notes that request `id` goes to `upstream` (several upstreams, legacy sessions: a single upstream
 * is the owner of everything), off the answer's path. A cancel that arrived first is sent on now.
 */
export function noteInFlight(g: GatewayCtx, id: JsonRpcId, upstream: Upstream): void {
  if (g.era !== "legacy" || g.tenant.upstreams.length < 2) return;
  const noted = routes(g)
    .note(keyOf(id), upstream.id, Date.now())
    .then((r) =>
      r.cancelled ? send(g, upstream, "notifications/cancelled", cancelParams(id, r.reason)) : undefined,
    )
    .catch((err: unknown) =>
      console.error("request route not noted", err instanceof Error ? err.message : "error"),
    );
  g.exec.waitUntil(noted);
}

/** A client notification (already checked to be notifications/* without a credential). */
export async function routeNotification(
  g: GatewayCtx,
  msg: { method: string; params?: unknown },
  raw: string,
): Promise<Response> {
  if (msg.method === "notifications/cancelled") return routeCancel(g, msg.params);
  if (msg.method === "notifications/progress") return routeProgress(g, msg.params);
  return broadcast(g, raw);
}

async function routeCancel(g: GatewayCtx, params: unknown): Promise<Response> {
  const p = Cancelled.safeParse(params);
  if (!p.success) return accepted();
  const { requestId, reason } = p.data;
  const clean = cancelParams(requestId, reason);
  const only = g.tenant.upstreams.length === 1 ? g.tenant.upstreams[0] : undefined;
  if (only) {
    await send(g, only, "notifications/cancelled", clean);
    return accepted();
  }
  const owner = await routes(g).cancel(keyOf(requestId), clean.reason ?? null, Date.now());
  const upstream = owner ? g.tenant.upstreams.find((u) => u.id === owner) : undefined;
  if (upstream) await send(g, upstream, "notifications/cancelled", clean);
  return accepted();
}

/** Progress on a server request goes to the upstream that asked, with its own token; any other is dropped. */
async function routeProgress(g: GatewayCtx, params: unknown): Promise<Response> {
  const p = Progress.safeParse(params);
  const target = p.success ? upstreamProgressToken(p.data.progressToken) : null;
  const upstream = target ? g.tenant.upstreams.find((u) => u.id === target.upstreamId) : undefined;
  if (!p.success || !target || !upstream) return accepted();
  const { progress, total, message } = p.data;
  await send(g, upstream, "notifications/progress", {
    progressToken: target.id,
    progress,
    ...(total !== undefined ? { total } : {}),
    ...(message !== undefined ? { message: message.slice(0, 1000) } : {}),
  });
  return accepted();
}
