// A 2025-era MCP server (the SDK's v1, stateful: it keeps a session per client in memory) whose tools
// ask the client things mid-call, on the call's own SSE stream: elicitation, sampling, roots, and a
// paid tool that asks after it has been paid. The client's answers arrive as separate POSTs on the
// session. POST /asking/mcp.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/cfworker";
import { createPayments, PRICES } from "./payments";
import { recordRun } from "./witness";

const sessions = new Map<string, WebStandardStreamableHTTPServerTransport>();
const MAX_SESSIONS = 1_000;

const text = (value: string): CallToolResult => ({ content: [{ type: "text", text: value }] });
const NAME_SCHEMA = {
  type: "object" as const,
  properties: { name: { type: "string" as const } },
  required: ["name"],
};

function createAskingServer(secretKey: string | undefined): McpServer {
  const server = new McpServer(
    { name: "tollgate-demo-asking", version: "1.0.0" },
    { capabilities: {}, jsonSchemaValidator: new CfWorkerJsonSchemaValidator() },
  );
  const payments = createPayments(secretKey);

  server.registerTool("ask_name", { description: "Asks the user's name (elicitation)." }, async (extra) => {
    const r = await server.server.elicitInput(
      { mode: "form", message: "Your name?", requestedSchema: NAME_SCHEMA },
      { relatedRequestId: extra.requestId },
    );
    const name = r.action === "accept" ? String(r.content?.name ?? "") : `(${r.action})`;
    recordRun("ask_name", { name });
    return text(`hello ${name}`);
  });

  server.registerTool(
    "ask_model",
    { description: "Asks the client's model for a line (sampling), then the user's name." },
    async (extra) => {
      const line = await server.server.createMessage(
        { messages: [{ role: "user", content: { type: "text", text: "A line?" } }], maxTokens: 20 },
        { relatedRequestId: extra.requestId },
      );
      const said = line.content.type === "text" ? line.content.text : "";
      const who = await server.server.elicitInput(
        { mode: "form", message: "Your name?", requestedSchema: NAME_SCHEMA },
        { relatedRequestId: extra.requestId },
      );
      const name = who.action === "accept" ? String(who.content?.name ?? "") : `(${who.action})`;
      recordRun("ask_model", { said, name });
      return text(`${name}: ${said}`);
    },
  );

  server.registerTool("ask_roots", { description: "Lists the client's roots." }, async (extra) => {
    const r = await server.server.listRoots(undefined, { relatedRequestId: extra.requestId });
    recordRun("ask_roots", { roots: r.roots.map((x) => x.uri) });
    return text(r.roots.map((x) => x.uri).join(","));
  });

  server.registerTool(
    "paid_ask",
    { description: `Paid: ${PRICES.generate_image} pathUSD; after the payment it asks where to deliver.` },
    async (extra) => {
      const paid = await payments.charge(extra, PRICES.generate_image, "paid_ask");
      if (paid.status === 402) throw paid.challenge;
      // Paid already: whatever the client answers (or if it never does), the work is delivered.
      const where = await server.server
        .elicitInput(
          { mode: "form", message: "Deliver where?", requestedSchema: NAME_SCHEMA },
          { relatedRequestId: extra.requestId, timeout: 20_000 },
        )
        .then((r) => (r.action === "accept" ? String(r.content?.name ?? "") : "default"))
        .catch(() => "default");
      recordRun("paid_ask", { where });
      return paid.withReceipt(text(`delivered to ${where}`));
    },
  );
  return server;
}

export async function serveAsking(request: Request, secretKey: string | undefined): Promise<Response> {
  const id = request.headers.get("mcp-session-id");
  if (id) {
    const transport = sessions.get(id);
    if (transport) return transport.handleRequest(request);
    await request.arrayBuffer();
    return new Response("Unknown session", { status: 404 });
  }
  if (sessions.size >= MAX_SESSIONS) sessions.clear();
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: () => crypto.randomUUID(),
    onsessioninitialized: (sid) => {
      sessions.set(sid, transport);
    },
  });
  await createAskingServer(secretKey).connect(transport);
  return transport.handleRequest(request);
}
