// A minimal MCP 2026-07-28 server (no SDK speaks that revision yet), built from the spec: stateless,
// it checks MCP-Protocol-Version, Mcp-Method and Mcp-Name against the body and its _meta, answers
// server/discover, refuses initialize with UnsupportedProtocolVersionError (a modern-only server names
// its versions there), and serves one free tool. POST /modern/mcp.
import { modernCatalog } from "./modern-catalog";
import { modernListen, modernTouch } from "./modern-listen";
import { MODERN_PAID_PRICE, modernPaid } from "./modern-paid";
import { recordRun } from "./witness";

const VERSION = "2026-07-28";
const INFO = { name: "tollgate-demo-modern", version: "1.0.0" };
type Msg = { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: Record<string, unknown> };

function answer(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function error(id: unknown, code: number, message: string, status: number, data?: unknown): Response {
  return answer({ jsonrpc: "2.0", id, error: { code, message, ...(data ? { data } : {}) } }, status);
}

function result(id: unknown, r: Record<string, unknown>): Response {
  return answer({
    jsonrpc: "2.0",
    id,
    result: { resultType: "complete", ...r, _meta: { "io.modelcontextprotocol/serverInfo": INFO } },
  });
}

export async function serveModern(request: Request): Promise<Response> {
  const msg = (await request.json().catch(() => null)) as Msg | null;
  if (!msg || typeof msg.method !== "string") return error(null, -32600, "Invalid request", 400);
  const header = request.headers.get("mcp-protocol-version");
  if (header !== VERSION)
    return error(msg.id ?? null, -32022, "Unsupported protocol version", 400, {
      supported: [VERSION],
      requested: header ?? "",
    });
  if (!("id" in msg)) return new Response(null, { status: 202 });
  const meta = (msg.params?._meta ?? {}) as Record<string, unknown>;
  if (meta["io.modelcontextprotocol/protocolVersion"] !== header)
    return error(msg.id, -32020, "Header mismatch: protocol version", 400);
  if (request.headers.get("mcp-method") !== msg.method)
    return error(msg.id, -32020, "Header mismatch: Mcp-Method", 400);
  if (msg.method === "tools/call" && request.headers.get("mcp-name") !== msg.params?.name)
    return error(msg.id, -32020, "Header mismatch: Mcp-Name", 400);
  if (request.headers.get("mcp-session-id")) return error(msg.id, -32600, "2026-07-28 has no sessions", 400);
  switch (msg.method) {
    case "server/discover":
      return result(msg.id, {
        supportedVersions: [VERSION],
        capabilities: { tools: {}, resources: {}, prompts: {}, completions: {} },
        ttlMs: 0,
        cacheScope: "public",
      });
    case "tools/list":
      return result(msg.id, {
        tools: [
          {
            name: "modern_confirm",
            description: "Asks the user to confirm (MRTR).",
            inputSchema: { type: "object" },
          },
          {
            name: "modern_echo",
            description: "Free. Echoes text.",
            inputSchema: { type: "object", properties: { text: { type: "string" } } },
          },
          {
            name: "modern_touch",
            description: "Tells open listen streams the note and the tools changed.",
            inputSchema: { type: "object", properties: { rude: { type: "boolean" } } },
          },
          {
            name: "modern_paid",
            description: `Paid (${MODERN_PAID_PRICE} pathUSD, MPP result-metadata form). Echoes text.`,
            inputSchema: { type: "object", properties: { text: { type: "string" } } },
          },
        ],
        ttlMs: 0,
        cacheScope: "public",
      });
    case "subscriptions/listen":
      return modernListen(msg.id, msg.params, new URL(request.url).host);
    case "tools/call": {
      if (msg.params?.name === "modern_confirm") return confirm(msg);
      if (msg.params?.name === "modern_touch") {
        const rude = (msg.params.arguments as { rude?: unknown } | undefined)?.rude === true;
        const n = modernTouch(new URL(request.url).host, rude);
        return result(msg.id, { content: [{ type: "text", text: `touched ${n} listen stream(s)` }] });
      }
      if (msg.params?.name === "modern_paid") {
        const paid = await modernPaid(msg, { "io.modelcontextprotocol/serverInfo": INFO });
        if (paid.result && !paid.result.isError) recordRun("modern_paid", msg.params?.arguments ?? {});
        return answer(paid);
      }
      const args = (msg.params?.arguments ?? {}) as { text?: unknown };
      recordRun("modern_echo", args);
      return result(msg.id, { content: [{ type: "text", text: String(args.text ?? "") }] });
    }
    default: {
      const served = modernCatalog(msg);
      if (served === null) return error(msg.id, -32601, "Method not found", 404);
      if ("error" in served) return error(msg.id, -32602, String(served.error), 200);
      return result(msg.id, served);
    }
  }
}

/** MRTR: asks for a confirmation, then answers once the retry carries it with the state it issued. */
function confirm(msg: Msg): Response {
  const given = (msg.params?.inputResponses as { confirm?: { action?: unknown } } | undefined)?.confirm;
  if (msg.params?.requestState === "demo-state-1" && given?.action === "accept") {
    recordRun("modern_confirm", {});
    return result(msg.id, { content: [{ type: "text", text: "confirmed" }] });
  }
  return answer({
    jsonrpc: "2.0",
    id: msg.id,
    result: {
      resultType: "input_required",
      inputRequests: {
        confirm: {
          method: "elicitation/create",
          params: { mode: "form", message: "Confirm?", requestedSchema: { type: "object", properties: {} } },
        },
      },
      requestState: "demo-state-1",
    },
  });
}
