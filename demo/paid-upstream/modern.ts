// A minimal MCP 2026-07-28 server (no SDK speaks that revision yet), built from the spec: stateless,
// it checks MCP-Protocol-Version, Mcp-Method and Mcp-Name against the body and its _meta, answers
// server/discover, refuses initialize with UnsupportedProtocolVersionError (a modern-only server names
// its versions there), and serves free tools (two ask for input by MRTR), paid ones, resources, prompts
// and completion. POST /modern/mcp.
import { modernCatalog } from "./modern-catalog";
import { modernListen, modernTouch } from "./modern-listen";
import { MODERN_PAID_PRICE, modernPaid, paidAsk } from "./modern-paid";
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
            name: "modern_survey",
            description:
              "Asks the user's name (elicitation) and a line from the model (sampling), over MRTR rounds.",
            inputSchema: { type: "object", properties: { confirm: { type: "boolean" } } },
          },
          {
            name: "modern_paid_ask",
            description: "Paid 0.50 pathUSD; after the payment it asks where to deliver (MRTR).",
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
      if (msg.params?.name === "modern_paid") return modernPaid(msg);
      if (msg.params?.name === "modern_survey") return survey(msg);
      if (msg.params?.name === "modern_paid_ask") return paidAsk(msg);
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

/** States this server issued (per isolate): a retry must bring one back verbatim, once. */
const issued = new Map<string, { round: number; name: string; line: string }>();
type Responses = {
  name?: { action?: unknown; content?: { name?: unknown } };
  line?: { content?: { text?: unknown } };
  sure?: { action?: unknown };
};

function inputRequired(
  id: unknown,
  inputRequests: Record<string, unknown>,
  kept: { round: number; name: string; line: string },
): Response {
  const state = `survey-${kept.round}-${crypto.randomUUID()}`;
  issued.set(state, kept);
  return answer({
    jsonrpc: "2.0",
    id,
    result: { resultType: "input_required", inputRequests, requestState: state },
  });
}

/**
 * MRTR over rounds, as the spec's server requirements ask: round 1 asks the user's name
 * (elicitation) and a line from the model (sampling), only when the client declared both; with
 * `confirm`, round 2 asks "sure?"; then answers with what it was told. A state not issued here, or
 * used twice, is refused.
 */
function survey(msg: Msg): Response {
  const params = msg.params ?? {};
  const caps = ((params._meta as Record<string, unknown>)["io.modelcontextprotocol/clientCapabilities"] ??
    {}) as Record<string, unknown>;
  if (!caps.elicitation || !caps.sampling)
    return error(msg.id, -32021, "Missing required client capability", 200, {
      requiredCapabilities: { elicitation: {}, sampling: {} },
    });
  const state = params.requestState;
  const given = (params.inputResponses ?? {}) as Responses;
  const args = (params.arguments ?? {}) as { confirm?: unknown };
  if (state === undefined)
    return inputRequired(
      msg.id,
      {
        name: {
          method: "elicitation/create",
          params: {
            mode: "form",
            message: "Your name?",
            requestedSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
          },
        },
        line: {
          method: "sampling/createMessage",
          params: { messages: [{ role: "user", content: { type: "text", text: "A line?" } }], maxTokens: 20 },
        },
      },
      { round: 1, name: "", line: "" },
    );
  const kept = typeof state === "string" ? issued.get(state) : undefined;
  if (kept === undefined) return error(msg.id, -32602, "requestState was not issued by this server", 200);
  issued.delete(state as string);
  const { round } = kept;
  const name = round === 1 ? String(given.name?.content?.name ?? "") : kept.name;
  const line = round === 1 ? String(given.line?.content?.text ?? "") : kept.line;
  if (round === 1 && args.confirm === true)
    return inputRequired(
      msg.id,
      {
        sure: {
          method: "elicitation/create",
          params: { mode: "form", message: "Sure?", requestedSchema: { type: "object", properties: {} } },
        },
      },
      { round: 2, name, line },
    );
  if (round === 2 && given.sure?.action !== "accept")
    return result(msg.id, { content: [{ type: "text", text: "not sure" }] });
  recordRun("modern_survey", { round, name, line, state });
  return result(msg.id, { content: [{ type: "text", text: `${name}: ${line}` }] });
}
