// A 2026-07-28 client made of raw HTTP requests, as the spec's transport page shows them: standard
// headers (MCP-Protocol-Version, Mcp-Method, Mcp-Name) mirroring a body whose _meta carries the
// version, the client's identity and its capabilities. No SDK speaks this revision yet.
import { exports } from "cloudflare:workers";
import { readSse } from "../../src/protocol/sse";

export const MODERN = "2026-07-28";

export type ModernOptions = {
  capabilities?: Record<string, unknown>;
  /** Extra _meta keys (credentials, trace context). */
  meta?: Record<string, unknown>;
  /** Headers to add or override (null removes one), for the attacks. */
  headers?: Record<string, string | null>;
};

export type RpcAnswer = {
  status: number;
  body: {
    id?: unknown;
    result?: Record<string, unknown> & { resultType?: string };
    error?: { code: number; message: string; data?: Record<string, unknown> };
  };
};

let nextId = 1;

export function modernRequest(
  method: string,
  params: Record<string, unknown> = {},
  opts: ModernOptions = {},
) {
  const named = method === "resources/read" ? params.uri : params.name;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": MODERN,
    "mcp-method": method,
    ...(typeof named === "string" ? { "mcp-name": named } : {}),
  };
  for (const [k, v] of Object.entries(opts.headers ?? {})) {
    if (v === null) delete headers[k];
    else headers[k] = v;
  }
  const body = {
    jsonrpc: "2.0",
    id: nextId++,
    method,
    params: {
      ...params,
      _meta: {
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientInfo": { name: "raw-2026-client", version: "1.0.0" },
        "io.modelcontextprotocol/clientCapabilities": opts.capabilities ?? {},
        ...(opts.meta ?? {}),
      },
    },
  };
  return { headers, body };
}

/** Sends one modern request and reads its final JSON-RPC answer (JSON or the SSE stream's last). */
export async function modernCall(
  url: string,
  method: string,
  params: Record<string, unknown> = {},
  opts: ModernOptions = {},
): Promise<RpcAnswer> {
  const { headers, body } = modernRequest(method, params, opts);
  return send(url, headers, body);
}

export async function send(url: string, headers: Record<string, string>, body: unknown): Promise<RpcAnswer> {
  const res = await exports.default.fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
  const type = res.headers.get("content-type") ?? "";
  if (type.includes("text/event-stream") && res.body) {
    let last: unknown = null;
    for await (const e of readSse(res.body)) {
      // A priming event (an id and no data, SEP-1699) carries no message.
      if (e.data === "") continue;
      const m = JSON.parse(e.data) as { id?: unknown };
      if (m.id !== undefined) last = m;
    }
    return { status: res.status, body: last as RpcAnswer["body"] };
  }
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as RpcAnswer["body"]) : {} };
}
