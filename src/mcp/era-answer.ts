// What a modern (2026-07-28) client receives: every answer the gateway would give a legacy client,
// translated at the edge. Results carry resultType (and the cache fields list results need); the
// denial contract and UPSTREAM_ERROR move outside the JSON-RPC range (ADR 0030); MPP's -32042 becomes
// its result-metadata form and a URL elicitation an MRTR InputRequiredResult (2026-07-28 forbids
// emitting -32042 and -32002); server requests on a stream, which the era no longer has, are bridged
// into MRTR by continuation.ts first, and any that reach modernEvent are refused to their upstream.
import { detectPaymentRequired } from "../payments";
import { MPP_PAYMENT_REQUIRED_KEY } from "../payments/wire";
import { META, MODERN_RPC } from "../protocol/eras";
import {
  type JsonRpcId,
  type JsonRpcRequest,
  RPC,
  RPC_MODERN,
  rpcError,
  rpcResult,
} from "../protocol/jsonrpc";
import { encodeEvent, readSse } from "../protocol/sse";
import { callIdentity } from "./call-target";
import type { GatewayCtx } from "./context";
import { mintState } from "./mrtr";
import { answerUpstream } from "./server-requests";

const SERVER_INFO = { name: "tollgate", version: "0.1.0" };
/** Results that are CacheableResult in 2026-07-28 (ttlMs and cacheScope required). */
const CACHEABLE = new Set([
  "tools/list",
  "prompts/list",
  "resources/list",
  "resources/read",
  "resources/templates/list",
  "server/discover",
]);
/** Tollgate's codes -> their modern-era numbers, when the error carries the `tollgate` object. */
const TOLLGATE_CODES: Record<number, number> = {
  [RPC.SPEND_DENIED]: RPC_MODERN.SPEND_DENIED,
  [RPC.LEDGER_UNAVAILABLE]: RPC_MODERN.LEDGER_UNAVAILABLE,
  [RPC.UPSTREAM_ERROR]: RPC_MODERN.UPSTREAM_ERROR,
};
const MPP_CODES = new Set([-32042, -32043]);

type Obj = Record<string, unknown>;
function asObj(v: unknown): Obj | null {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : null;
}

/** A complete result as the modern era shapes it. */
export function completeResult(method: string, result: Obj): Obj {
  const meta = { ...(asObj(result._meta) ?? {}), [META.serverInfo]: SERVER_INFO };
  const out: Obj = { ...result, resultType: result.resultType ?? "complete", _meta: meta };
  if (CACHEABLE.has(method)) {
    out.ttlMs ??= 0;
    out.cacheScope ??= "private";
  }
  return out;
}

/** One JSON-RPC message of the gateway's legacy answer to `req`, for a modern client. */
export async function modernMessage(g: GatewayCtx, req: JsonRpcRequest, message: unknown): Promise<unknown> {
  const m = asObj(message);
  if (!m) return message;
  const result = asObj(m.result);
  if (result) return { ...m, result: completeResult(req.method, result) };
  const error = asObj(m.error);
  if (!error || typeof error.code !== "number") return message;
  const id = (m.id ?? null) as JsonRpcId | null;
  const data = asObj(error.data);
  const ours = asObj(data?.tollgate) !== null;
  const mapped = TOLLGATE_CODES[error.code];
  if (ours && mapped !== undefined) return { ...m, error: { ...error, code: mapped } };
  // An upstream's own -32002 is a legacy "resource not found": 2026-07-28 says -32602.
  if (error.code === RPC.UPSTREAM_ERROR) return { ...m, error: { ...error, code: RPC.INVALID_PARAMS } };
  if (MPP_CODES.has(error.code)) return mppOrElicitation(g, req, id, String(error.message ?? ""), data, m);
  return message;
}

async function mppOrElicitation(
  g: GatewayCtx,
  req: JsonRpcRequest,
  id: JsonRpcId | null,
  text: string,
  data: Obj | null,
  message: Obj,
): Promise<unknown> {
  // Told apart by payload: a payment has challenges (or an x402 object), a URL elicitation has none.
  if (detectPaymentRequired(message)) {
    return rpcResult(
      id,
      completeResult(req.method, {
        isError: true,
        content: [{ type: "text", text: text || "Payment required" }],
        _meta: { [MPP_PAYMENT_REQUIRED_KEY]: data },
      }),
    );
  }
  const elicitations = Array.isArray(data?.elicitations) ? data.elicitations : [];
  const call = callIdentity(req);
  const url = asObj(asObj(g.clientCapabilities.elicitation)?.url);
  if (!url || !call || elicitations.length === 0)
    return rpcError(id, MODERN_RPC.MISSING_REQUIRED_CLIENT_CAPABILITY, "URL elicitation required", {
      requiredCapabilities: { elicitation: { url: {} } },
    });
  const inputRequests: Obj = {};
  elicitations.forEach((e, i) => {
    const { elicitationId: _, ...params } = asObj(e) ?? {};
    inputRequests[`tollgate_url_${i}`] = { method: "elicitation/create", params: { ...params, mode: "url" } };
  });
  return rpcResult(id, {
    resultType: "input_required",
    inputRequests,
    requestState: await mintState(g, call, null),
  });
}

/** The gateway's answer (JSON or SSE) for a modern client; other responses (202, 4xx) unchanged. */
export async function modernResponse(g: GatewayCtx, req: JsonRpcRequest, res: Response): Promise<Response> {
  const type = res.headers.get("content-type") ?? "";
  if (type.includes("text/event-stream") && res.body) {
    const body = res.body;
    const stream = new ReadableStream<string>({
      async start(controller) {
        for await (const event of readSse(body)) {
          const out = await modernEvent(g, req, event.data);
          if (out !== null) controller.enqueue(encodeEvent({ ...event, data: out }));
        }
        controller.close();
      },
    });
    return new Response(stream.pipeThrough(new TextEncoderStream()), {
      status: res.status,
      headers: res.headers,
    });
  }
  if (!type.includes("application/json")) return res;
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return new Response(text, { status: res.status, headers: res.headers });
  }
  const out = JSON.stringify(await modernMessage(g, req, parsed));
  return new Response(out, { status: res.status, headers: res.headers });
}

/** One stream event's data for a modern client; null drops it (a server request). */
export async function modernEvent(g: GatewayCtx, req: JsonRpcRequest, data: string): Promise<string | null> {
  let message: unknown;
  try {
    message = JSON.parse(data);
  } catch {
    return data;
  }
  const m = asObj(message);
  if (m && typeof m.method === "string" && (typeof m.id === "string" || typeof m.id === "number")) {
    // The era has no server requests on a stream: the upstream that asked is told so, not left waiting.
    await answerUpstream(g, {
      jsonrpc: "2.0",
      id: m.id,
      error: { code: RPC.METHOD_NOT_FOUND, message: "The client (MCP 2026-07-28) takes no server requests" },
    });
    return null;
  }
  if (m && typeof m.method === "string") return data;
  return JSON.stringify(await modernMessage(g, req, message));
}
