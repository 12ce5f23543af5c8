// What a metered request calls: the upstream that serves it, the body sent there, and the call as
// policies and bindings name it. Tools keep their names; a paid prompt is "prompt:<name>", a paid
// resource "resource:<uri>", any other paid method its method name (docs/policy-format.md).
import { z } from "zod";
import { newId } from "../db/client";
import { canonicalJson, sha256HexSync } from "../ledger/canonical";
import type { JsonRpcRequest } from "../protocol/jsonrpc";
import type { Tenant } from "../services/tenant";
import type { CallInfo } from "./call-record";
import { routeTool } from "./catalog";
import type { GatewayCtx } from "./context";

export type Upstream = Tenant["upstreams"][number];

export type CallTarget = {
  call: CallInfo;
  upstream: Upstream;
  /** The JSON-RPC request as the upstream receives it (the tool name without any gateway prefix). */
  upstreamBody: string;
  /** The upstream's own name for a tool (configured prices are keyed by it); null for other methods. */
  upstreamTool: string | null;
};

export type TargetResult = { ok: true; target: CallTarget } | { ok: false; message: string };

const ToolParams = z.looseObject({
  name: z.string().min(1),
  arguments: z.optional(z.record(z.string(), z.unknown())),
});
const PromptParams = z.looseObject({
  name: z.string().min(1),
  arguments: z.optional(z.record(z.string(), z.unknown())),
});
const ResourceParams = z.looseObject({ uri: z.string().min(1) });

/** The same digest approvals use (approvals/call-approvals argsHash). */
export function argsHashOf(args: unknown): string {
  return sha256HexSync(canonicalJson(args ?? {}));
}

function callInfo(method: string, tool: string, upstream: Upstream, args: unknown): CallInfo {
  return {
    txId: newId("tx"),
    method,
    tool,
    upstreamId: upstream.id,
    args,
    argsHash: argsHashOf(args),
  };
}

export function toolTarget(g: GatewayCtx, req: JsonRpcRequest): TargetResult {
  const parsed = ToolParams.safeParse(req.params);
  if (!parsed.success)
    return { ok: false, message: "tools/call needs params.name and an optional params.arguments object" };
  const route = routeTool(g.tenant, parsed.data.name);
  if (!route) return { ok: false, message: `Unknown tool: ${parsed.data.name}` };
  const params = req.params as Record<string, unknown>;
  const body =
    params.name === route.upstreamTool ? req : { ...req, params: { ...params, name: route.upstreamTool } };
  return {
    ok: true,
    target: {
      call: callInfo(req.method, parsed.data.name, route.upstream, parsed.data.arguments ?? {}),
      upstream: route.upstream,
      upstreamBody: JSON.stringify(body),
      upstreamTool: route.upstreamTool,
    },
  };
}

/**
 * Any other request: prompts/get and resources/read are named by their prompt or URI, the rest by
 * the method. They go to `owner` (owners.ts: the upstream that listed the URI or prompt), else the first.
 */
export function requestTarget(
  g: GatewayCtx,
  req: JsonRpcRequest,
  raw: string,
  owner?: Upstream,
): TargetResult {
  const upstream = owner ?? g.tenant.upstreams[0];
  if (!upstream) return { ok: false, message: "No upstream MCP server is configured" };
  const named = requestName(req);
  if (!named.ok) return named;
  return {
    ok: true,
    target: {
      call: callInfo(req.method, named.tool, upstream, named.args),
      upstream,
      upstreamBody: raw,
      upstreamTool: null,
    },
  };
}

type Named = { ok: true; tool: string; args: unknown } | { ok: false; message: string };

/** How policies name a request that is not tools/call, and the arguments its digest covers. */
function requestName(req: JsonRpcRequest): Named {
  if (req.method === "prompts/get") {
    const p = PromptParams.safeParse(req.params);
    if (!p.success) return { ok: false, message: "prompts/get needs params.name" };
    return { ok: true, tool: `prompt:${p.data.name}`, args: p.data.arguments ?? {} };
  }
  if (req.method === "resources/read") {
    const p = ResourceParams.safeParse(req.params);
    if (!p.success) return { ok: false, message: "resources/read needs params.uri" };
    return { ok: true, tool: `resource:${p.data.uri}`, args: { uri: p.data.uri } };
  }
  return { ok: true, tool: req.method, args: withoutMeta(req.params) };
}

/** The call's name and arguments digest as CallInfo will hold them (MRTR binds its state to them). */
export function callIdentity(req: JsonRpcRequest): { method: string; tool: string; argsHash: string } | null {
  if (req.method === "tools/call") {
    const p = ToolParams.safeParse(req.params);
    return p.success
      ? { method: req.method, tool: p.data.name, argsHash: argsHashOf(p.data.arguments ?? {}) }
      : null;
  }
  const named = requestName(req);
  return named.ok ? { method: req.method, tool: named.tool, argsHash: argsHashOf(named.args) } : null;
}

/** A generic request's arguments are its params minus `_meta` (which carries credentials). */
function withoutMeta(params: unknown): unknown {
  if (params === null || typeof params !== "object" || Array.isArray(params)) return params ?? {};
  const { _meta: _, ...rest } = params as Record<string, unknown>;
  return rest;
}
