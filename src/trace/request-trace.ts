// One request's trace: the gateway's SERVER span (a child of the caller's span, or a new trace's
// root) and the spans collected under it until the request's work is done. Without an exporter no
// span is ever built (`spans` is null): only the context the upstream is sent survives.
import { hex } from "../auth/encoding";
import type { Incoming, TraceContext } from "./context";
import type { Span, SpanLink } from "./otlp";

export type RequestTrace = {
  traceId: string;
  /** The gateway's server span: the parent of every other span of this request. */
  spanId: string;
  /** The caller's span, or null when the gateway started the trace. */
  parentId: string | null;
  flags: string;
  state: string | null;
  link: SpanLink | null;
  startMs: number;
  /** Spans collected so far; null when nothing is exported. */
  spans: Span[] | null;
  /** Work the request left running (waitUntil): the export waits for it, so its spans are in. */
  pending: Promise<unknown>[];
};

function spanId(): string {
  return hex(crypto.getRandomValues(new Uint8Array(8)));
}

/**
 * The request's trace, or null when there is nothing to do: no caller context and no exporter. An
 * exported trace is sampled (the flag the upstream sees): the gateway records every call it judges,
 * whatever a caller's flags say, so an agent cannot take its own calls out of the operator's traces.
 */
export function startTrace(incoming: Incoming, exporting: boolean, now: number): RequestTrace | null {
  const { parent, link } = incoming;
  if (!parent && !exporting) return null;
  const flags = parent?.flags ?? "01";
  return {
    traceId: parent?.traceId ?? hex(crypto.getRandomValues(new Uint8Array(16))),
    spanId: spanId(),
    parentId: parent?.parentId ?? null,
    flags: exporting ? (Number.parseInt(flags, 16) | 1).toString(16).padStart(2, "0") : flags,
    state: parent?.state ?? null,
    link: link && exporting ? { traceId: link.traceId, spanId: link.parentId, state: link.state } : null,
    startMs: now,
    spans: exporting ? [] : null,
    pending: [],
  };
}

/** A new span's context under the server span (the one an upstream sees as its parent). */
export function childSpan(t: RequestTrace): TraceContext {
  return { traceId: t.traceId, spanId: spanId(), parentId: t.spanId, flags: t.flags, state: t.state };
}

/** The server span's own context. */
export function serverContext(t: RequestTrace): Pick<TraceContext, "traceId" | "spanId" | "parentId"> {
  return { traceId: t.traceId, spanId: t.spanId, parentId: t.parentId };
}

/** Waits for the work the request left running, including work that work started. */
export async function drained(t: RequestTrace): Promise<void> {
  while (t.pending.length > 0) await Promise.allSettled(t.pending.splice(0));
}
