// Spans exported over OTLP/HTTP (JSON encoding, POST <endpoint>/v1/traces) when
// OTEL_EXPORTER_OTLP_ENDPOINT is configured; named and attributed per the OpenTelemetry GenAI MCP
// conventions (`mcp.method.name`, `gen_ai.tool.name`, ...) plus ours (`tollgate.*`). Best effort:
// an export failure is logged, never retried, never in the call's way.
import type { TraceContext } from "./context";

export type Attr = string | number | boolean | null;
export type Span = {
  ctx: TraceContext;
  name: string;
  /** OTLP SpanKind: 2 server, 3 client. */
  kind: 2 | 3;
  startMs: number;
  endMs: number;
  attributes: Record<string, Attr>;
  error: boolean;
};

function value(v: Exclude<Attr, null>) {
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
              status: { code: s.error ? 2 : 1 },
            })),
          },
        ],
      },
    ],
  };
}

export async function exportSpans(endpoint: string, spans: Span[]): Promise<void> {
  if (spans.length === 0) return;
  const url = `${endpoint.replace(/\/+$/, "")}/v1/traces`;
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(otlpBody(spans)),
    });
    await res.body?.cancel();
    if (!res.ok) console.warn("otlp export refused", res.status);
  } catch (err) {
    console.warn("otlp export failed", err instanceof Error ? err.message : String(err));
  }
}
