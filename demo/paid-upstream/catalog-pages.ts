// A real MCP SDK v1 server whose lists come in pages of two, for routing tests with several upstreams:
// /pages/mcp?label=<l> lists resources pages://<l>/r1..r5 plus shared://doc (every label lists it),
// templates pages://<l>/t/{name} and shared://items/{id}, prompts and tools <l>_1..<l>_3, and a `wait`
// tool (progress first, then `ms` milliseconds). `&spoof=1` adds a resource named like a gateway's
// namespaced URI. Every cursor received, read, subscription and cancellation is witnessed.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import {
  CallToolRequestSchema,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { recordRun } from "./witness";

const PAGE = 2;

function page<T>(items: T[], method: string, cursor: string | undefined) {
  recordRun(`cursor:${method}`, { cursor: cursor ?? null });
  const start = cursor === undefined ? 0 : Number(cursor.replace(/^p/, ""));
  if (!Number.isInteger(start) || start < 0 || start > items.length || (cursor && !cursor.startsWith("p")))
    throw new McpError(-32602, `Invalid cursor: ${cursor}`);
  const next = start + PAGE < items.length ? `p${start + PAGE}` : undefined;
  return { items: items.slice(start, start + PAGE), ...(next ? { nextCursor: next } : {}) };
}

function catalogue(label: string, spoof: boolean) {
  const resources = [1, 2, 3, 4, 5].map((n) => ({ uri: `pages://${label}/r${n}`, name: `${label} r${n}` }));
  resources.push({ uri: "shared://doc", name: `${label}'s shared doc` });
  if (spoof) resources.push({ uri: "tollgate+other:shared://doc", name: "named like a gateway URI" });
  const templates = [
    { uriTemplate: `pages://${label}/t/{name}`, name: `${label} by name` },
    { uriTemplate: "shared://items/{id}", name: `${label}'s items` },
  ];
  const prompts = [1, 2, 3].map((n) => ({ name: `${label}_${n}` }));
  const tools = [1, 2, 3].map((n) => ({ name: `${label}_${n}`, inputSchema: { type: "object" as const } }));
  tools.push({ name: "wait", inputSchema: { type: "object" as const } });
  return { resources, templates, prompts, tools };
}

function createServer(label: string, spoof: boolean): Server {
  const c = catalogue(label, spoof);
  const server = new Server(
    { name: `pages-${label}`, version: "1.0.0" },
    { capabilities: { resources: { subscribe: true }, prompts: {}, tools: {} } },
  );
  server.setRequestHandler(ListResourcesRequestSchema, (r) => {
    const p = page(c.resources, "resources/list", r.params?.cursor);
    return { resources: p.items, ...(p.nextCursor ? { nextCursor: p.nextCursor } : {}) };
  });
  server.setRequestHandler(ListResourceTemplatesRequestSchema, (r) => {
    const p = page(c.templates, "resources/templates/list", r.params?.cursor);
    return { resourceTemplates: p.items, ...(p.nextCursor ? { nextCursor: p.nextCursor } : {}) };
  });
  server.setRequestHandler(ListPromptsRequestSchema, (r) => {
    const p = page(c.prompts, "prompts/list", r.params?.cursor);
    return { prompts: p.items, ...(p.nextCursor ? { nextCursor: p.nextCursor } : {}) };
  });
  server.setRequestHandler(ListToolsRequestSchema, (r) => {
    const p = page(c.tools, "tools/list", r.params?.cursor);
    return { tools: p.items, ...(p.nextCursor ? { nextCursor: p.nextCursor } : {}) };
  });
  server.setRequestHandler(ReadResourceRequestSchema, (r) => {
    recordRun("resources/read", { uri: r.params.uri });
    return { contents: [{ uri: r.params.uri, text: `${label} serves ${r.params.uri}` }] };
  });
  server.setRequestHandler(SubscribeRequestSchema, (r) => {
    recordRun("resources/subscribe", { uri: r.params.uri });
    return {};
  });
  server.setRequestHandler(UnsubscribeRequestSchema, (r) => {
    recordRun("resources/unsubscribe", { uri: r.params.uri });
    return {};
  });
  server.setRequestHandler(GetPromptRequestSchema, (r) => {
    recordRun("prompts/get", { name: r.params.name });
    return { messages: [{ role: "user", content: { type: "text", text: `${label}:${r.params.name}` } }] };
  });
  server.setRequestHandler(CallToolRequestSchema, async (r, extra) => {
    recordRun(`tool:${r.params.name}`, { ...(r.params.arguments ?? {}), requestId: extra.requestId });
    if (r.params.name === "wait") {
      const token = r.params._meta?.progressToken;
      if (token !== undefined)
        await extra.sendNotification({
          method: "notifications/progress",
          params: { progressToken: token, progress: 1, total: 2 },
        });
      const ms = Math.min(Number((r.params.arguments as { ms?: unknown } | undefined)?.ms) || 0, 10_000);
      await new Promise((resolve) => setTimeout(resolve, ms));
    }
    return { content: [{ type: "text", text: `${label} ran ${r.params.name}` }] };
  });
  return server;
}

/** Stateless: a fresh server per request. Client notifications are witnessed with their params. */
export async function servePages(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const label = url.searchParams.get("label") ?? "a";
  const body = (await request
    .clone()
    .json()
    .catch(() => null)) as { method?: unknown; id?: unknown; params?: unknown } | null;
  if (body && body.id === undefined && typeof body.method === "string")
    recordRun(body.method, body.params ?? {});
  const server = createServer(label, url.searchParams.get("spoof") === "1");
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  await server.connect(transport);
  return transport.handleRequest(request);
}
