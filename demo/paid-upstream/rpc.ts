// A minimal hand-rolled MCP JSON-RPC endpoint (JSON responses only) for the protocol-variant fixtures,
// where the exact wire shape matters more than SDK behaviour.
import { z } from "zod";

const Message = z.looseObject({
  jsonrpc: z.literal("2.0"),
  id: z.union([z.string(), z.number()]).optional(),
  method: z.string(),
  params: z.looseObject({}).optional(),
});

export type RpcReply = { result: unknown } | { error: { code: number; message: string; data?: unknown } };

export type ToolDef = { name: string; description: string; inputSchema: Record<string, unknown> };

export type CallParams = { name: string; arguments: Record<string, unknown>; meta: Record<string, unknown> };

export type RpcTools = { list: ToolDef[]; call: (params: CallParams) => RpcReply | Promise<RpcReply> };

const CallRequest = z.looseObject({
  name: z.string(),
  arguments: z.record(z.string(), z.unknown()).default({}),
  _meta: z.record(z.string(), z.unknown()).default({}),
});

function reply(id: string | number | null, body: RpcReply, status = 200): Response {
  return Response.json({ jsonrpc: "2.0", id, ...body }, { status });
}

async function answer(message: z.infer<typeof Message>, name: string, tools: RpcTools): Promise<RpcReply> {
  switch (message.method) {
    case "initialize":
      return {
        result: {
          protocolVersion: "2025-11-25",
          capabilities: { tools: {} },
          serverInfo: { name, version: "1.0.0" },
        },
      };
    case "ping":
      return { result: {} };
    case "tools/list":
      return { result: { tools: tools.list } };
    case "tools/call": {
      const params = CallRequest.safeParse(message.params);
      if (!params.success) return { error: { code: -32602, message: "Invalid tools/call params" } };
      const { name: tool, arguments: args, _meta } = params.data;
      if (!tools.list.some((t) => t.name === tool)) {
        return { error: { code: -32602, message: `Unknown tool: ${tool}` } };
      }
      return tools.call({ name: tool, arguments: args, meta: _meta });
    }
    default:
      return { error: { code: -32601, message: `Method not found: ${message.method}` } };
  }
}

/** Serves one POSTed JSON-RPC message: notifications get 202, requests a JSON response. */
export async function serveRpc(request: Request, name: string, tools: RpcTools): Promise<Response> {
  const parsed = Message.safeParse(await request.json().catch(() => undefined));
  if (!parsed.success) return reply(null, { error: { code: -32700, message: "Parse error" } }, 400);
  const { id } = parsed.data;
  if (id === undefined) return new Response(null, { status: 202 });
  return reply(id, await answer(parsed.data, name, tools));
}
