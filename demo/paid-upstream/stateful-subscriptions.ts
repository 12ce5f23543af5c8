// Resource subscriptions on the stateful demo server (2025: resources/subscribe, resources/unsubscribe):
// one resource, test://<name>/watched, and a record of each session's subscriptions per host, so a test
// can tell that a gateway listen subscribed and, when it ended, unsubscribed. GET /_subscriptions.
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { SubscribeRequestSchema, UnsubscribeRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const byHost = new Map<string, Map<McpServer, Set<string>>>();

export function watchable(server: McpServer, name: string, host: string): void {
  const uri = `test://${name}/watched`;
  server.registerResource("watched", uri, { mimeType: "text/plain" }, async () => ({
    contents: [{ uri, mimeType: "text/plain", text: `${name} watched` }],
  }));
  const mine = byHost.get(host) ?? new Map<McpServer, Set<string>>();
  byHost.set(host, mine);
  const subs = new Set<string>();
  mine.set(server, subs);
  server.server.setRequestHandler(SubscribeRequestSchema, async (req) => {
    // Only this server's one resource can be subscribed.
    if (req.params.uri !== uri) throw new Error(`Unknown resource ${req.params.uri}`);
    subs.add(req.params.uri);
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, async (req) => {
    subs.delete(req.params.uri);
    return {};
  });
}

/** GET /_subscriptions: this host's subscribed URIs, one entry per session that holds one. */
export function subscriptionsReport(request: Request): Response {
  const mine = byHost.get(new URL(request.url).host) ?? new Map<McpServer, Set<string>>();
  // A closed session (DELETE) holds no subscriptions any more.
  const live = [...mine].filter(([server]) => server.isConnected()).map(([, subs]) => [...subs]);
  return Response.json({ subscribed: live.flat().sort() });
}
