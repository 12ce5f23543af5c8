// The spans of one request, each a pure function of its facts, per the OpenTelemetry GenAI MCP
// conventions: the SERVER span of the client's request and the CLIENT span of the upstream forward
// (name "<mcp.method.name> <tool>", `mcp.method.name`, `gen_ai.tool.name`, ...), the INTERNAL span of
// each policy decision and the CLIENT span of each ledger call, plus ours (`tollgate.*`). Values the
// agent chose (method, tool name, request id) are cut to MAX_ATTR characters; arguments never appear.
import type { Decision } from "../policy";
import type { TraceContext } from "../trace/context";
import type { Span } from "../trace/otlp";
import { type RequestTrace, serverContext } from "../trace/request-trace";
import type { ForwardResult } from "../upstream/forward";
import type { CallTarget } from "./call-target";

/** The longest agent-chosen string a span carries. */
export const MAX_ATTR = 128;

const cut = (v: string | null): string | null => (v === null ? null : v.slice(0, MAX_ATTR));

/** What the server span says about the client's request; read from its body before dispatch. */
export type ServerFacts = {
  method: string | null;
  tool: string | null;
  requestId: string | null;
  protocolVersion: string | null;
  sessionId: string | null;
  orgId: string;
  agentId: string;
};

export function serverSpan(t: RequestTrace, f: ServerFacts, endMs: number, status: number): Span {
  const method = cut(f.method);
  const tool = cut(f.tool);
  return {
    ctx: serverContext(t),
    name: method ? (tool ? `${method} ${tool}` : method) : "mcp",
    kind: 2,
    startMs: t.startMs,
    endMs,
    attributes: {
      "mcp.method.name": method,
      "gen_ai.tool.name": tool,
      "gen_ai.operation.name": tool && method === "tools/call" ? "execute_tool" : null,
      "jsonrpc.request.id": cut(f.requestId),
      "mcp.protocol.version": cut(f.protocolVersion),
      "mcp.session.id": f.sessionId,
      "network.transport": "tcp",
      "network.protocol.name": "http",
      "http.response.status_code": status,
      "error.type": status >= 400 ? String(status) : null,
      "tollgate.org": f.orgId,
      "tollgate.agent": f.agentId,
    },
    error: status >= 500,
    ...(t.link ? { links: [t.link] } : {}),
  };
}

export type DecisionFacts = {
  txId: string;
  tool: string;
  agentId: string;
  price: { amount: bigint; currency: string; decimals: number } | null;
  decision: Decision;
};

const DECISION = { allow: "allow", deny: "deny", require_approval: "approval" } as const;

/** One policy evaluation: its outcome, the rules that fired (did not pass), the price it saw. */
export function decisionSpan(ctx: TraceContext, f: DecisionFacts, startMs: number, endMs: number): Span {
  const { decision: d, price } = f;
  const fired = d.rules.filter((r) => !r.passed).map((r) => r.name.slice(0, MAX_ATTR));
  return {
    ctx,
    name: "tollgate.decide",
    kind: 1,
    startMs,
    endMs,
    attributes: {
      "tollgate.decision": DECISION[d.action],
      "tollgate.rule": fired.length > 0 ? fired : null,
      "tollgate.reason": d.denial?.code ?? null,
      "tollgate.shadow": d.shadow,
      "tollgate.price.amount": price ? price.amount.toString() : null,
      "tollgate.price.currency": price?.currency ?? null,
      "tollgate.price.decimals": price?.decimals ?? null,
      "tollgate.agent": f.agentId,
      "tollgate.transaction.id": f.txId,
      "gen_ai.tool.name": cut(f.tool),
    },
    error: false,
  };
}

export type LedgerFacts = {
  op: string;
  txId: string | null;
  /** "ok", a refusal's reason (budget_exceeded, ...), or "unavailable" (the call threw). */
  outcome: string;
};

/** One call into the org's ledger Durable Object. A refusal is a decision, not an error. */
export function ledgerSpan(ctx: TraceContext, f: LedgerFacts, startMs: number, endMs: number): Span {
  return {
    ctx,
    name: `TenantLedger/${f.op}`,
    kind: 3,
    startMs,
    endMs,
    attributes: {
      "rpc.system": "cloudflare_durable_object",
      "rpc.service": "TenantLedger",
      "rpc.method": f.op,
      "tollgate.ledger.op": f.op,
      "tollgate.ledger.outcome": f.outcome,
      "tollgate.transaction.id": f.txId,
    },
    error: f.outcome === "unavailable",
  };
}

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
