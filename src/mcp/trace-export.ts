// A request's trace from start to export: the caller's context read (_meta first, then headers),
// the gateway's server span opened, the work it leaves running (waitUntil) awaited, and every span
// exported in one OTLP request after the answer, off the call's path. Without an endpoint this is
// only the context the upstream is sent; nothing is collected.
import { config } from "../env";
import { incomingTrace } from "../trace/context";
import { exportSpans } from "../trace/otlp";
import { drained, type RequestTrace, startTrace } from "../trace/request-trace";
import type { GatewayCtx } from "./context";
import { type ServerFacts, serverSpan } from "./trace-spans";

export type Traced = { g: GatewayCtx; t: RequestTrace; exec: ExecutionContext; facts: ServerFacts };

/** Opens the request's trace on `g`; answers what endTrace needs when its spans are exported. */
export function beginTrace(g: GatewayCtx, headers: Headers, body: unknown): Traced | null {
  const msg = body !== null && typeof body === "object" ? (body as Record<string, unknown>) : {};
  const params =
    msg.params !== null && typeof msg.params === "object" ? (msg.params as Record<string, unknown>) : {};
  const exporting = config(g.env).OTEL_EXPORTER_OTLP_ENDPOINT !== undefined;
  const t = startTrace(incomingTrace(headers, params._meta), exporting, Date.now());
  g.trace = t;
  if (!t?.spans) return null;
  const exec = g.exec;
  // Work left running after the answer is waited for, so its spans (a commit after the answer, a
  // detached paid retry) are in the one export.
  g.exec = {
    waitUntil: (p: Promise<unknown>) => {
      t.pending.push(p);
      exec.waitUntil(p);
    },
    passThroughOnException: () => exec.passThroughOnException(),
    props: exec.props,
  } as ExecutionContext;
  const id = msg.id;
  const facts: ServerFacts = {
    method: typeof msg.method === "string" ? msg.method : null,
    tool: msg.method === "tools/call" && typeof params.name === "string" ? params.name : null,
    requestId: typeof id === "string" || typeof id === "number" ? String(id) : null,
    protocolVersion: g.protocolVersion,
    sessionId: g.session?.n ?? null,
    orgId: g.tenant.orgId,
    agentId: g.tenant.agent.id,
  };
  return { g, t, exec, facts };
}

/** Schedules the export (waitUntil) once the answer is complete: a stream's end, or now. */
export function endTrace(traced: Traced, res: Response): Response {
  const { t, exec, facts } = traced;
  const streamed = res.body !== null && (res.headers.get("content-type") ?? "").includes("text/event-stream");
  const watched = streamed ? watchEnd(res.body) : null;
  const doneMs = Date.now();
  const cfg = config(traced.g.env);
  const exporter = {
    endpoint: cfg.OTEL_EXPORTER_OTLP_ENDPOINT ?? "",
    timeoutMs: cfg.OTEL_EXPORTER_OTLP_TIMEOUT,
    headers: cfg.OTEL_EXPORTER_OTLP_HEADERS,
  };
  exec.waitUntil(
    (async () => {
      const endMs = watched ? await watched.ended : doneMs;
      await drained(t);
      const spans = t.spans ?? [];
      await exportSpans(exporter, [serverSpan(t, facts, endMs, res.status), ...spans]);
    })(),
  );
  return watched ? new Response(watched.body, res) : res;
}

/** The same stream, and when it ended (read to the end, failed, or cancelled by the client). */
function watchEnd(body: ReadableStream<Uint8Array>): {
  body: ReadableStream<Uint8Array>;
  ended: Promise<number>;
} {
  let end: (ms: number) => void = () => undefined;
  const ended = new Promise<number>((resolve) => {
    end = resolve;
  });
  const reader = body.getReader();
  const out = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          end(Date.now());
        } else controller.enqueue(value);
      } catch (err) {
        controller.error(err);
        end(Date.now());
      }
    },
    cancel(reason) {
      end(Date.now());
      return reader.cancel(reason);
    },
  });
  return { body: out, ended };
}
