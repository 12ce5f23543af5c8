// The span of one upstream forward, per the OpenTelemetry GenAI MCP conventions: name
// "<mcp.method.name> <tool>", kind CLIENT, `mcp.method.name`, `gen_ai.tool.name`,
// `gen_ai.operation.name`, `server.address`, plus `tollgate.*` (upstream, transaction).
import type { TraceContext } from "../trace/context";
import type { Span } from "../trace/otlp";
import type { ForwardResult } from "../upstream/forward";
import type { CallTarget } from "./call-target";

export function forwardSpan(
  target: CallTarget,
  ctx: TraceContext,
  startMs: number,
  sent: ForwardResult,
): Span {
  const { call, upstream } = target;
  const tool = call.method === "tools/call" ? call.tool : null;
  let host: string | null = null;
  try {
    host = new URL(upstream.url).host;
  } catch {
    host = null;
  }
  return {
    ctx,
    name: tool ? `${call.method} ${tool}` : call.method,
    kind: 3,
    startMs,
    endMs: Date.now(),
    attributes: {
      "mcp.method.name": call.method,
      "gen_ai.tool.name": tool,
      "gen_ai.operation.name": tool ? "execute_tool" : null,
      "server.address": host,
      "http.response.status_code": sent.ok ? sent.response.status : null,
      "error.type": sent.ok ? null : sent.error,
      "tollgate.upstream.id": upstream.id,
      "tollgate.transaction.id": call.txId,
    },
    error: !sent.ok || sent.response.status >= 500,
  };
}
