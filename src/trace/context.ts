// W3C trace context (traceparent / tracestate, https://www.w3.org/TR/trace-context/): read from a
// request's `params._meta` (the MCP convention) and passed on to the upstream as headers, with the
// gateway's own span as the parent, so the upstream's spans join the agent's trace.
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
/** tracestate: at most 512 characters of list members, no control characters. */
const TRACESTATE = /^[\x20-\x7e]{1,512}$/;

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
  const state = typeof tracestate === "string" && TRACESTATE.test(tracestate) ? tracestate : null;
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

/**
 * The trace context carried in a JSON-RPC request body's `params._meta`, as a child span; null when
 * there is none. The body is only parsed when it mentions a traceparent at all.
 */
export function traceFromBody(body: string | null): TraceContext | null {
  if (body === null || !body.includes('"traceparent"')) return null;
  try {
    const msg = JSON.parse(body) as { params?: { _meta?: Record<string, unknown> } };
    const meta = msg.params?._meta;
    return meta ? childOf(meta.traceparent, meta.tracestate) : null;
  } catch {
    return null;
  }
}

/** A new trace with the gateway as its root (an exporter is configured but the agent sent none). */
export function rootTrace(): TraceContext {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return {
    traceId: hex(bytes.subarray(0, 16)),
    spanId: hex(bytes.subarray(16)),
    parentId: null,
    flags: "01",
    state: null,
  };
}
