// A stateful MCP server (sessions, a standalone GET stream), as the SDK's own examples and the
// conformance everything-server run: server requests and notifications that belong to no call
// (sampling, elicitation, resource updates, list changes) go out on the session's GET stream. For
// gateway tests of the 2025 GET stream; /stateful/mcp. Sessions live in this isolate.

import { AsyncLocalStorage } from "node:async_hooks";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { EventStore } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/cfworker";
import { z } from "zod";
import { watchable } from "./stateful-subscriptions";

type Session = { transport: WebStandardStreamableHTTPServerTransport; server: McpServer; host: string };
const sessions = new Map<string, Session>();
const MAX_SESSIONS = 500;

// A Worker drops a request's pending work once its response is done; a tool that answers after its
// stream was closed keeps its request alive with waitUntil.
const requestCtx = new AsyncLocalStorage<ExecutionContext>();
function keepAlive<T>(work: Promise<T>): Promise<T> {
  requestCtx.getStore()?.waitUntil(work);
  return work;
}

/** How long the upstream tells clients to wait before resuming a stream it closed (SEP-1699). */
const RETRY_MS = 50;

/** Every event each session sent, so a stream closed mid-call can be resumed (GET + Last-Event-ID). */
function eventStore(): EventStore {
  const events: { id: string; streamId: string; message: JSONRPCMessage }[] = [];
  return {
    async storeEvent(streamId, message) {
      const id = `${streamId}::${events.length}`;
      events.push({ id, streamId, message });
      return id;
    },
    async getStreamIdForEventId(eventId) {
      return events.find((e) => e.id === eventId)?.streamId;
    },
    async replayEventsAfter(lastEventId, { send }) {
      const at = events.findIndex((e) => e.id === lastEventId);
      const streamId = events[at]?.streamId ?? "";
      for (const e of events.slice(at + 1)) if (e.streamId === streamId) await send(e.id, e.message);
      return streamId;
    },
  };
}

const STANDALONE = "_GET_stream"; // the SDK transport's key for the session's GET stream

/** Whether the transport holds an open GET stream (the SDK keeps it in a private map). */
function getStreamOpen(t: WebStandardStreamableHTTPServerTransport): boolean {
  return (t as unknown as { _streamMapping: Map<string, unknown> })._streamMapping.has(STANDALONE);
}

/** GET /_stateful: this host's sessions and how many hold an open GET stream (leak tests). */
export function statefulReport(request: Request): Response {
  const host = new URL(request.url).host;
  const mine = [...sessions.values()].filter((s) => s.host === host);
  return Response.json({
    sessions: mine.length,
    openGetStreams: mine.filter((s) => getStreamOpen(s.transport)).length,
  });
}

function createServer(name: string): McpServer {
  // Workers allow no code generation: the SDK's default (ajv) validator cannot check elicit results.
  const server = new McpServer(
    { name, version: "1.0.0" },
    {
      capabilities: { logging: {}, resources: { subscribe: true } },
      jsonSchemaValidator: new CfWorkerJsonSchemaValidator(),
    },
  );
  server.registerTool(
    "ask_sampling",
    {
      description: "Asks the client for a completion (on the GET stream)",
      inputSchema: { prompt: z.string() },
    },
    async ({ prompt }) => {
      const result = await server.server.createMessage({
        messages: [{ role: "user", content: { type: "text", text: prompt } }],
        maxTokens: 10,
      });
      const content = result.content as { type: string; text?: string };
      return { content: [{ type: "text", text: `${name} sampled: ${content.text ?? ""}` }] };
    },
  );
  server.registerTool(
    "ask_sampling_inline",
    { description: "Asks the client for a completion on this call's own stream", inputSchema: {} },
    async (_args, extra) => {
      const result = await server.server.createMessage(
        { messages: [{ role: "user", content: { type: "text", text: "inline" } }], maxTokens: 10 },
        { relatedRequestId: extra.requestId },
      );
      const content = result.content as { type: string; text?: string };
      return { content: [{ type: "text", text: `${name} sampled inline: ${content.text ?? ""}` }] };
    },
  );
  server.registerTool(
    "ask_elicitation",
    { description: "Asks the user for a name (on the GET stream)", inputSchema: {} },
    async () => {
      const result = await server.server.elicitInput({
        message: "Your name?",
        requestedSchema: { type: "object", properties: { name: { type: "string" } } },
      });
      return { content: [{ type: "text", text: `${name} elicited: ${JSON.stringify(result)}` }] };
    },
  );
  server.registerTool(
    "announce",
    { description: "Sends notifications that belong to no call (on the GET stream)", inputSchema: {} },
    async () => {
      await server.server.sendResourceUpdated({ uri: `test://${name}/watched` });
      server.sendToolListChanged();
      await server.server.sendLoggingMessage({ level: "info", data: `${name} announces` });
      return { content: [{ type: "text", text: `${name} announced` }] };
    },
  );
  server.registerTool(
    "reconnect",
    {
      description: "Closes this call's stream before answering; the answer waits for the resume",
      inputSchema: {},
    },
    async (_args, extra) => {
      extra.closeSSEStream?.();
      await keepAlive(new Promise((r) => setTimeout(r, 5 * RETRY_MS)));
      return { content: [{ type: "text", text: `${name} answered after the resume` }] };
    },
  );
  server.registerTool(
    "close_get",
    { description: "Logs on the GET stream, closes it, logs again (replayed on resume)", inputSchema: {} },
    async (_args, extra) => {
      await server.server.sendLoggingMessage({ level: "info", data: `${name} before the GET stream closed` });
      extra.closeStandaloneSSEStream?.();
      await server.server.sendLoggingMessage({ level: "info", data: `${name} after the GET stream closed` });
      return { content: [{ type: "text", text: `${name} closed its GET stream` }] };
    },
  );
  return server;
}

async function newSession(name: string, host: string): Promise<Session> {
  const server = createServer(name);
  watchable(server, name, host);
  const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: () => crypto.randomUUID(),
    eventStore: eventStore(),
    retryInterval: RETRY_MS,
    onsessioninitialized: (id) => {
      if (sessions.size >= MAX_SESSIONS) sessions.clear();
      sessions.set(id, session);
    },
    onsessionclosed: (id) => {
      sessions.delete(id);
    },
  });
  const session = { transport, server, host };
  await server.connect(transport);
  return session;
}

export async function serveStateful(request: Request, ctx: ExecutionContext): Promise<Response> {
  const id = request.headers.get("mcp-session-id");
  const url = new URL(request.url);
  const { host } = url;
  let session = id ? sessions.get(id) : undefined;
  if (!session) {
    if (id || request.method !== "POST") {
      await request.arrayBuffer();
      return new Response("Unknown session", { status: 404 });
    }
    session = await newSession(url.searchParams.get("name") ?? host.split(".")[0]!, host);
  }
  const { transport } = session;
  return requestCtx.run(ctx, () => transport.handleRequest(request));
}
