// JSON-RPC 2.0 envelopes as the gateway sees them: strict where routing depends on a field, loose
// (passthrough) everywhere else so nothing the gateway does not understand is dropped.
import { z } from "zod";

export const JsonRpcId = z.union([z.string(), z.number().int()]);
export type JsonRpcId = z.infer<typeof JsonRpcId>;

export const JsonRpcRequest = z.looseObject({
  jsonrpc: z.literal("2.0"),
  id: JsonRpcId,
  method: z.string().min(1),
  params: z.optional(z.unknown()),
});
export type JsonRpcRequest = z.infer<typeof JsonRpcRequest>;

export const JsonRpcNotification = z.looseObject({
  jsonrpc: z.literal("2.0"),
  method: z.string().min(1),
  params: z.optional(z.unknown()),
});

export const JsonRpcResponse = z.union([
  z.looseObject({ jsonrpc: z.literal("2.0"), id: JsonRpcId.nullable(), result: z.unknown() }),
  z.looseObject({
    jsonrpc: z.literal("2.0"),
    id: JsonRpcId.nullable(),
    error: z.looseObject({ code: z.number().int(), message: z.string(), data: z.optional(z.unknown()) }),
  }),
]);
export type JsonRpcResponse = z.infer<typeof JsonRpcResponse>;

export type ClientMessage =
  | { kind: "request"; msg: JsonRpcRequest }
  | { kind: "notification"; msg: z.infer<typeof JsonRpcNotification> }
  | { kind: "response"; msg: JsonRpcResponse };

export function classify(value: unknown): ClientMessage | null {
  const req = JsonRpcRequest.safeParse(value);
  if (req.success && (value as { id?: unknown }).id !== null) return { kind: "request", msg: req.data };
  const res = JsonRpcResponse.safeParse(value);
  if (res.success) return { kind: "response", msg: res.data };
  const note = JsonRpcNotification.safeParse(value);
  if (note.success && !("id" in (value as object))) return { kind: "notification", msg: note.data };
  return null;
}

export const RPC = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  /** Upstream unreachable, timed out, or answered something that is not MCP. */
  UPSTREAM_ERROR: -32002,
  /** Tollgate refused the call: policy, budget, rate limit, approval (see the denial contract). */
  SPEND_DENIED: -32010,
  /** The ledger could not be reached; nothing was forwarded (fail closed). */
  LEDGER_UNAVAILABLE: -32011,
} as const;

/**
 * The same three for 2026-07-28 clients (ADR 0030): that revision reserves -32020..-32099 and asks new
 * implementations to allocate outside -32768..-32000, so Tollgate's codes keep their last digits at -31xxx.
 */
export const RPC_MODERN = {
  UPSTREAM_ERROR: -31002,
  SPEND_DENIED: -31010,
  LEDGER_UNAVAILABLE: -31011,
} as const;

export function rpcError(id: JsonRpcId | null, code: number, message: string, data?: unknown) {
  return { jsonrpc: "2.0" as const, id, error: { code, message, ...(data === undefined ? {} : { data }) } };
}

export function rpcResult(id: JsonRpcId | null, result: unknown) {
  return { jsonrpc: "2.0" as const, id, result };
}

/**
 * The gateway's own "the upstream failed" error: UPSTREAM_ERROR, with a `tollgate` object naming the
 * upstream, so clients (and the modern-era translation) tell it from an upstream's relayed -32002.
 */
export function upstreamRpcError(id: JsonRpcId | null, namespace: string, message: string) {
  return rpcError(id, RPC.UPSTREAM_ERROR, `Upstream "${namespace}": ${message}`, {
    tollgate: { version: 1, denied: false, reason: "upstream_error", upstream: namespace },
  });
}
