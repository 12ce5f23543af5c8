// The two MCP eras on one endpoint: legacy (an initialize handshake and a session, 2025-11-25 and
// earlier) and modern (2026-07-28: every request carries its version and capabilities in _meta, and
// the HTTP headers mirror the body). Pure: which era a request is in, and whether its headers agree.
import { z } from "zod";

export const MODERN_VERSIONS = ["2026-07-28"] as const;

/** Reserved `_meta` keys of a modern request (basic/index `_meta`). */
export const META = {
  protocolVersion: "io.modelcontextprotocol/protocolVersion",
  clientCapabilities: "io.modelcontextprotocol/clientCapabilities",
  clientInfo: "io.modelcontextprotocol/clientInfo",
  serverInfo: "io.modelcontextprotocol/serverInfo",
} as const;

/** Error codes the 2026-07-28 schema defines (the -32020..-32099 sub-range MCP reserves). */
export const MODERN_RPC = {
  HEADER_MISMATCH: -32020,
  MISSING_REQUIRED_CLIENT_CAPABILITY: -32021,
  UNSUPPORTED_PROTOCOL_VERSION: -32022,
} as const;

export type Era = "legacy" | "modern";

export function isModernVersion(v: string | null | undefined): boolean {
  return typeof v === "string" && (MODERN_VERSIONS as readonly string[]).includes(v);
}

const Meta = z.record(z.string(), z.unknown());
// Only the fields the headers mirror; anything else about the envelope is checked later (classify).
const Body = z.looseObject({
  method: z.unknown().optional(),
  params: z.unknown().optional(),
});
const Params = z.looseObject({ _meta: z.unknown().optional() });

function paramsOf(body: unknown): Record<string, unknown> {
  const parsed = Body.safeParse(body);
  const params = parsed.success ? Params.safeParse(parsed.data.params) : null;
  return params?.success ? params.data : {};
}

/** Methods whose Mcp-Name header mirrors params.name or params.uri (streamable-http, standard headers). */
const NAMED: Record<string, "name" | "uri"> = {
  "tools/call": "name",
  "prompts/get": "name",
  "resources/read": "uri",
};

export type HeaderView = { get(name: string): string | null };

export type HeaderCheck = { ok: true } | { ok: false; message: string };

/** The body's declared protocol version (`params._meta`), or null. */
export function bodyVersion(body: unknown): string | null {
  const meta = Meta.safeParse(paramsOf(body)._meta);
  const v = meta.success ? meta.data[META.protocolVersion] : undefined;
  return typeof v === "string" ? v : null;
}

/**
 * Headers against body, for every message that names a method. A modern request must carry the
 * standard headers and its _meta version; in any era, an Mcp-Method or Mcp-Name that is present must
 * equal the body (an intermediary may route on the header while the gateway executes the body).
 */
export function checkHeaders(headers: HeaderView, body: unknown, modern: boolean): HeaderCheck {
  const parsed = Body.safeParse(body);
  // Not a message that names a method: the envelope check (classify) refuses or routes it.
  if (!parsed.success || typeof parsed.data.method !== "string") return { ok: true };
  const method = parsed.data.method;
  const params = paramsOf(body);
  const version = headers.get("mcp-protocol-version")?.trim() ?? null;
  const declared = bodyVersion(body);
  const isRequest = "id" in (body as object);
  if (modern && isRequest && declared === null)
    return { ok: false, message: `Header mismatch: the body's _meta has no "${META.protocolVersion}"` };
  if (declared !== null && declared !== version)
    return {
      ok: false,
      message: `Header mismatch: MCP-Protocol-Version header value '${version ?? ""}' does not match body value '${declared}'`,
    };
  const headerMethod = headers.get("mcp-method");
  if (headerMethod === null && modern && isRequest)
    return { ok: false, message: "Header mismatch: the Mcp-Method header is required" };
  if (headerMethod !== null && headerMethod !== method)
    return {
      ok: false,
      message: `Header mismatch: Mcp-Method header value '${headerMethod}' does not match body value '${method}'`,
    };
  const field = NAMED[method];
  const rawName = headers.get("mcp-name");
  if (!field) return { ok: true };
  if (rawName === null)
    return modern && isRequest
      ? { ok: false, message: "Header mismatch: the Mcp-Name header is required" }
      : { ok: true };
  const name = decodeHeaderValue(rawName);
  const value = params[field];
  if (name === null) return { ok: false, message: "Header mismatch: the Mcp-Name header is malformed" };
  if (name !== value)
    return {
      ok: false,
      message: `Header mismatch: Mcp-Name header value does not match body ${field} '${String(value)}'`,
    };
  return { ok: true };
}

const SENTINEL = /^=\?base64\?([A-Za-z0-9+/]*={0,2})\?=$/;

/** A header value as sent: plain ASCII, or the `=?base64?...?=` sentinel; null when malformed. */
export function decodeHeaderValue(raw: string): string | null {
  const m = SENTINEL.exec(raw);
  if (!m) {
    if (raw.startsWith("=?base64?")) return null;
    return /^[\x20-\x7e\t]*$/.test(raw) ? raw : null;
  }
  try {
    const bin = atob(m[1] ?? "");
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
}

/** The body's _meta without the modern reserved keys (what a legacy upstream is sent). */
export function legacyMeta(meta: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(meta)) if (!k.startsWith("io.modelcontextprotocol/")) out[k] = v;
  return out;
}

/** A header value per the spec's Value Encoding: plain when header-safe, else the base64 sentinel. */
export function encodeHeaderValue(value: string): string {
  const safe = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(value) && !value.startsWith("=?base64?");
  if (safe) return value;
  const bytes = new TextEncoder().encode(value);
  return `=?base64?${btoa(String.fromCharCode(...bytes))}?=`;
}

export type ModernShape = { body: string; headers: Record<string, string> };

/**
 * A legacy-shaped JSON-RPC request as a 2026-07-28 upstream takes it: the version, capabilities and
 * client in `_meta`, the standard headers mirroring the body. Anything that is not a request is sent
 * as it is (with Mcp-Method when it names one).
 */
export function toModernRequest(
  raw: string,
  capabilities: Record<string, unknown>,
  clientInfo: { name: string; version: string },
): ModernShape {
  const version = MODERN_VERSIONS[0];
  const headers: Record<string, string> = { "mcp-protocol-version": version };
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch {
    return { body: raw, headers };
  }
  const parsed = Body.safeParse(msg);
  if (!parsed.success || typeof parsed.data.method !== "string") return { body: raw, headers };
  const method = parsed.data.method;
  headers["mcp-method"] = method;
  if (!("id" in (msg as object))) return { body: raw, headers };
  const params = paramsOf(msg);
  const field = NAMED[method];
  const named = field ? params[field] : undefined;
  if (typeof named === "string") headers["mcp-name"] = encodeHeaderValue(named);
  const meta = Meta.safeParse(params._meta);
  const body = {
    ...(msg as object),
    params: {
      ...params,
      _meta: {
        ...(meta.success ? meta.data : {}),
        [META.protocolVersion]: version,
        [META.clientCapabilities]: capabilities,
        [META.clientInfo]: clientInfo,
      },
    },
  };
  return { body: JSON.stringify(body), headers };
}
