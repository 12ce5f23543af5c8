// Spans exported over OTLP/HTTP (JSON encoding, POST <endpoint>/v1/traces) when
// OTEL_EXPORTER_OTLP_ENDPOINT is configured; named and attributed per the OpenTelemetry GenAI MCP
// conventions (`mcp.method.name`, `gen_ai.tool.name`, ...) plus ours (`tollgate.*`). Best effort:
// an export failure is logged, never retried, never in the call's way, and bounded by
// OTEL_EXPORTER_OTLP_TIMEOUT (it runs in waitUntil, after the answer).
import type { TraceContext } from "./context";

export type Attr = string | number | boolean | string[] | null;
/** A span this one is related to but not a child of (the HTTP carrier's span, ADR 0039). */
export type SpanLink = { traceId: string; spanId: string; state: string | null };
export type Span = {
  ctx: Pick<TraceContext, "traceId" | "spanId" | "parentId">;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client. */
  kind: 1 | 2 | 3;
  startMs: number;
  endMs: number;
  attributes: Record<string, Attr>;
  error: boolean;
  links?: SpanLink[];
};

function value(v: Exclude<Attr, null>): Record<string, unknown> {
  if (Array.isArray(v)) return { arrayValue: { values: v.map((x) => ({ stringValue: x })) } };
  if (typeof v === "boolean") return { boolValue: v };
  if (typeof v === "number") return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  return { stringValue: v };
}

const nanos = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;

/** The OTLP JSON request body for `spans` (one resource: service.name tollgate). */
export function otlpBody(spans: Span[]) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "tollgate" } }] },
        scopeSpans: [
          {
            scope: { name: "tollgate" },
            spans: spans.map((s) => ({
              traceId: s.ctx.traceId,
              spanId: s.ctx.spanId,
              ...(s.ctx.parentId ? { parentSpanId: s.ctx.parentId } : {}),
              name: s.name,
              kind: s.kind,
              startTimeUnixNano: nanos(s.startMs),
              endTimeUnixNano: nanos(s.endMs),
              attributes: Object.entries(s.attributes)
                .filter((e): e is [string, Exclude<Attr, null>] => e[1] !== null)
                .map(([key, v]) => ({ key, value: value(v) })),
              ...(s.links?.length
                ? {
                    links: s.links.map((l) => ({
                      traceId: l.traceId,
                      spanId: l.spanId,
                      ...(l.state ? { traceState: l.state } : {}),
                    })),
                  }
                : {}),
              status: { code: s.error ? 2 : 1 },
            })),
          },
        ],
      },
    ],
  };
}

export type Exporter = {
  endpoint: string;
  /** OTEL_EXPORTER_OTLP_TIMEOUT: how long one export may take before it is abandoned. */
  timeoutMs: number;
  /** OTEL_EXPORTER_OTLP_HEADERS (e.g. a collector's API key): sent, never logged. */
  headers?: Record<string, string>;
};

export async function exportSpans(to: string | Exporter, spans: Span[]): Promise<void> {
  if (spans.length === 0) return;
  const e = typeof to === "string" ? { endpoint: to, timeoutMs: 10_000 } : to;
  const url = `${e.endpoint.replace(/\/+$/, "")}/v1/traces`;
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { ...e.headers, "content-type": "application/json" },
      body: JSON.stringify(otlpBody(spans)),
      signal: AbortSignal.timeout(e.timeoutMs),
    });
    await res.body?.cancel();
    if (!res.ok) console.warn("otlp export refused", res.status);
  } catch (err) {
    console.warn("otlp export failed", err instanceof Error ? err.name : "error");
  }
}
