// The whole org's catalogue outside an agent session (for policy warnings): each active upstream is
// initialized, listed and released, and the names agents would see come from the same exposedTools().

import { type ForwardOptions, forward, readReply } from "./forward";
import { type CatalogUpstream, exposedTools, fetchTools, type Tool } from "./tools";

export type OrgCatalogue = { names: string[]; unreachable: string[] };

const CLIENT_INFO = { name: "tollgate-catalogue", version: "0.1.0" };
const PROTOCOL_VERSION = "2025-06-18";

export async function orgCatalogue(
  upstreams: CatalogUpstream[],
  reserved: ReadonlySet<string>,
  limits: { timeoutMs: number; allowPrivate: boolean },
): Promise<OrgCatalogue> {
  const lists = new Map<string, Tool[]>();
  const unreachable: string[] = [];
  await Promise.all(
    upstreams.map(async (u) => {
      const tools = await listOnce(u, limits);
      if (tools) lists.set(u.id, tools);
      else unreachable.push(u.namespace);
    }),
  );
  const names = exposedTools(upstreams, lists, reserved).map((t) => t.name);
  return { names, unreachable: unreachable.sort() };
}

/** initialize, notifications/initialized, tools/list (every page), then DELETE of the session if any. */
async function listOnce(
  u: CatalogUpstream,
  limits: { timeoutMs: number; allowPrivate: boolean },
): Promise<Tool[] | null> {
  const base: ForwardOptions = { sessionId: null, protocolVersion: null, ...limits };
  const init = JSON.stringify({
    jsonrpc: "2.0",
    id: "tg-init",
    method: "initialize",
    params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: CLIENT_INFO },
  });
  const sent = await forward(u, init, base);
  if (!sent.ok) return null;
  const sessionId = sent.response.headers.get("mcp-session-id");
  const reply = await readReply(sent.response, "tg-init");
  if (!reply.ok || "error" in reply.message) return null;
  const version = (reply.message.result as { protocolVersion?: unknown } | undefined)?.protocolVersion;
  const opts: ForwardOptions = {
    ...base,
    sessionId,
    protocolVersion: typeof version === "string" ? version : PROTOCOL_VERSION,
  };
  const note = await forward(
    u,
    JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
    opts,
  );
  if (note.ok) await note.response.body?.cancel();
  const page = await fetchTools(u, undefined, false, opts);
  if (sessionId) {
    const end = await forward(u, null, { ...opts, method: "DELETE" });
    if (end.ok) await end.response.body?.cancel();
  }
  return "error" in page ? null : page.tools;
}
