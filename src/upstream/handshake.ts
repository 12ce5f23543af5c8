// Opening an upstream: initialize (a 2025-era server), or, when the upstream answers initialize with a
// modern error (400 with HeaderMismatch / MissingCapability / UnsupportedProtocolVersion: it speaks
// 2026-07-28), server/discover, which tells its era for sure and gives its capabilities.
import { isModernVersion } from "../protocol/eras";
import type { JsonRpcId, JsonRpcResponse } from "../protocol/jsonrpc";
import { InitializeResult, parseOrNull } from "../protocol/mcp-results";
import { type ForwardOptions, forward, readReply, type UpstreamTarget } from "./forward";

export type Opened =
  | { ok: true; modern: boolean; sessionId: string | null; result: InitializeResult }
  /** The upstream refused initialize with a JSON-RPC error (relayed to a legacy client as it is). */
  | { ok: false; refused: JsonRpcResponse }
  | { ok: false; message: string };

const MODERN_ERRORS = new Set([-32020, -32021, -32022]);

export async function openUpstream(
  target: UpstreamTarget,
  initBody: string,
  id: JsonRpcId,
  opts: ForwardOptions,
): Promise<Opened> {
  const sent = await forward(target, initBody, opts);
  if (!sent.ok) return { ok: false, message: sent.message };
  if (sent.response.status === 400 && (await modernRefusal(sent.response))) return discover(target, opts);
  const sessionId = sent.response.headers.get("mcp-session-id");
  const reply = await readReply(sent.response, id);
  if (!reply.ok) return { ok: false, message: reply.message };
  if ("error" in reply.message) return { ok: false, refused: reply.message };
  return {
    ok: true,
    modern: false,
    sessionId,
    result: parseOrNull(InitializeResult, reply.message.result) ?? {},
  };
}

async function modernRefusal(response: Response): Promise<boolean> {
  const text = await response.text().catch(() => "");
  try {
    const code = (JSON.parse(text) as { error?: { code?: unknown } } | null)?.error?.code;
    return typeof code === "number" && MODERN_ERRORS.has(code);
  } catch {
    return false;
  }
}

async function discover(target: UpstreamTarget, opts: ForwardOptions): Promise<Opened> {
  const body = JSON.stringify({
    jsonrpc: "2.0",
    id: "tollgate-discover",
    method: "server/discover",
    params: {},
  });
  const sent = await forward(target, body, { ...opts, modern: { capabilities: {} } });
  if (!sent.ok) return { ok: false, message: sent.message };
  const reply = await readReply(sent.response, "tollgate-discover");
  if (!reply.ok) return { ok: false, message: reply.message };
  const result = "result" in reply.message ? (reply.message.result as Record<string, unknown> | null) : null;
  const versions = Array.isArray(result?.supportedVersions) ? result.supportedVersions : [];
  if (!versions.some((v) => typeof v === "string" && isModernVersion(v)))
    return { ok: false, message: "upstream speaks neither initialize nor a 2026-07-28 server/discover" };
  const parsed = parseOrNull(InitializeResult, { ...result, protocolVersion: "2026-07-28" }) ?? {};
  return { ok: true, modern: true, sessionId: null, result: parsed };
}
