// W3C trace context (traceparent / tracestate, https://www.w3.org/TR/trace-context/): read from a
// request's `params._meta` (the MCP convention) or its HTTP headers and passed on to the upstream as
// headers, with the gateway's own span as the parent, so the upstream's spans join the agent's trace.
// Both values come from the agent: they are validated here and never trusted for anything but links
// between spans (ADR 0039).
import { hex } from "../auth/encoding";

export type TraceContext = {
  traceId: string;
  spanId: string;
  /** The caller's span (the agent's), this span's parent. */
  parentId: string | null;
  flags: string;
  state: string | null;
};

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = "0".repeat(32);
const ZERO_SPAN = "0".repeat(16);

/** W3C: at most 32 list members; we pass on at most 512 characters (the size every vendor must keep). */
const MAX_MEMBERS = 32;
const MAX_STATE = 512;
/** Members this long go first when the list is cut down to MAX_STATE (W3C's truncation order). */
const LONG_MEMBER = 128;
/** A longer value is not even split: refusing a hostile megabyte of tracestate costs nothing. */
const MAX_STATE_INPUT = 8_192;
/** simple-key or multi-tenant-key (tenant@system). */
const STATE_KEY = /^(?:[a-z][_0-9a-z*/-]{0,255}|[a-z0-9][_0-9a-z*/-]{0,240}@[a-z][_0-9a-z*/-]{0,13})$/;
/** Printable ASCII but "," and "=", at most 256 characters, not ending in a space. */
const STATE_VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

/**
 * A tracestate as W3C allows it, or null. A list with a malformed member, a duplicate key or more
 * than 32 members is dropped whole (the parser MAY discard it; a partial list from a hostile sender
 * is not worth keeping); an over-long valid one is cut to 512 characters by removing members longer
 * than 128 characters first, then members from the end.
 */
export function parseTracestate(value: unknown): string | null {
  if (typeof value !== "string" || value.length > MAX_STATE_INPUT) return null;
  const members: string[] = [];
  const keys = new Set<string>();
  for (const raw of value.split(",")) {
    const member = raw.replace(/^[ \t]+|[ \t]+$/g, "");
    if (member === "") continue;
    const eq = member.indexOf("=");
    const key = member.slice(0, eq);
    if (eq <= 0 || !STATE_KEY.test(key) || !STATE_VALUE.test(member.slice(eq + 1)) || keys.has(key))
      return null;
    keys.add(key);
    members.push(member);
  }
  if (members.length === 0 || members.length > MAX_MEMBERS) return null;
  return truncateState(members);
}

function truncateState(members: string[]): string | null {
  const size = (list: string[]) => list.reduce((n, m) => n + m.length, 0) + Math.max(list.length - 1, 0);
  let kept = members;
  if (size(kept) > MAX_STATE) kept = kept.filter((m) => m.length <= LONG_MEMBER);
  while (kept.length > 0 && size(kept) > MAX_STATE) kept = kept.slice(0, -1);
  return kept.length > 0 ? kept.join(",") : null;
}

/** The parent a valid traceparent names, or null (wrong version, bad hex, all-zero ids). */
export function parseTraceparent(
  value: unknown,
): { traceId: string; parentId: string; flags: string } | null {
  if (typeof value !== "string") return null;
  const m = TRACEPARENT.exec(value.trim());
  if (!m || m[1] === ZERO_TRACE || m[2] === ZERO_SPAN) return null;
  return { traceId: m[1]!, parentId: m[2]!, flags: m[3]! };
}

/** A child span of `traceparent` for the gateway (new span id, same trace and flags). */
export function childOf(traceparent: unknown, tracestate: unknown): TraceContext | null {
  const parent = parseTraceparent(traceparent);
  if (!parent) return null;
  const state = parseTracestate(tracestate);
  return {
    traceId: parent.traceId,
    spanId: hex(crypto.getRandomValues(new Uint8Array(8))),
    parentId: parent.parentId,
    flags: parent.flags,
    state,
  };
}

export function traceparentOf(t: TraceContext): string {
  return `00-${t.traceId}-${t.spanId}-${t.flags}`;
}

/** A caller's span as a carrier named it: trace, span, flags and that carrier's tracestate. */
export type Remote = { traceId: string; parentId: string; flags: string; state: string | null };

/** Where the request's parent came from, and the other carrier's span when it names a different one. */
export type Incoming = { parent: Remote | null; link: Remote | null };

function remoteOf(traceparent: unknown, tracestate: unknown): Remote | null {
  const p = parseTraceparent(traceparent);
  // W3C: a tracestate is only read beside a valid traceparent.
  return p ? { ...p, state: parseTracestate(tracestate) } : null;
}

/**
 * The caller's trace context: `params._meta` first (the OpenTelemetry MCP conventions make the MCP
 * client span the server span's parent whatever the transport, and _meta carries it end to end),
 * else the HTTP headers (an HTTP client span, or a client that only sets headers). When both are
 * valid and name different spans, the header's is kept as a link. Each tracestate travels with its
 * own traceparent; an invalid carrier counts as absent.
 */
export function incomingTrace(headers: Headers, meta: unknown): Incoming {
  const m = meta !== null && typeof meta === "object" ? (meta as Record<string, unknown>) : null;
  const fromMeta = m && "traceparent" in m ? remoteOf(m.traceparent, m.tracestate) : null;
  const header = headers.get("traceparent");
  const fromHeader = header === null ? null : remoteOf(header, headers.get("tracestate"));
  if (!fromMeta) return { parent: fromHeader, link: null };
  const differs =
    fromHeader && (fromHeader.traceId !== fromMeta.traceId || fromHeader.parentId !== fromMeta.parentId);
  return { parent: fromMeta, link: differs ? fromHeader : null };
}

/**
 * The request body as the upstream gets it: a `params._meta` traceparent / tracestate of the agent's
 * is replaced by the gateway's span (`ctx`), or removed when there is none (it was invalid), so an
 * unvalidated value never reaches the upstream. A body without them is returned as it came. An
 * escaped key (`"\u0074raceparent"`) is still a key once parsed, hence the second test.
 */
export function withTraceMeta(body: string, ctx: TraceContext | null): string {
  if (!body.includes('"trace') && !body.includes("\\u")) return body;
  let msg: unknown;
  try {
    msg = JSON.parse(body);
  } catch {
    return body;
  }
  const params = (msg as { params?: unknown } | null)?.params;
  const meta = (params as { _meta?: unknown } | null | undefined)?._meta;
  if (meta === null || typeof meta !== "object" || Array.isArray(meta)) return body;
  const m = meta as Record<string, unknown>;
  if (!("traceparent" in m) && !("tracestate" in m)) return body;
  delete m.traceparent;
  delete m.tracestate;
  if (ctx) {
    m.traceparent = traceparentOf(ctx);
    if (ctx.state) m.tracestate = ctx.state;
  }
  return JSON.stringify(msg);
}
