// How simulated agents reach the gateway: real MCP SDK sessions (plain, or paying with mppx's
// wrapper) and raw JSON-RPC POSTs, each answer folded into one Outcome the simulator can count.
import { exports } from "cloudflare:workers";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { readSse } from "../../src/protocol/sse";
import { connectMcp, type WireChallenge, withPayer, type X402PaymentRequired } from "../helpers/mcp-client";
import type { SimOrg } from "./world";

export type Outcome =
  | { type: "ok"; result: Record<string, unknown> }
  | { type: "tool_error"; result: Record<string, unknown> }
  | { type: "challenge"; challenges: WireChallenge[] }
  | { type: "x402_required"; required: X402PaymentRequired }
  | { type: "refused"; reason: string }
  | { type: "error"; code: number; message: string };

export function label(o: Outcome): string {
  if (o.type === "refused") return `refused:${o.reason}`;
  if (o.type === "error") return `error:${o.code}`;
  return o.type;
}

type RpcError = { code: number; message: string; data?: unknown };

function fromError(e: RpcError): Outcome {
  if (e.code === -32042) {
    const challenges = (e.data as { challenges?: WireChallenge[] } | undefined)?.challenges;
    if (challenges) return { type: "challenge", challenges };
  }
  if (e.code === -32010) {
    const reason = (e.data as { tollgate?: { reason?: string } } | undefined)?.tollgate?.reason;
    return { type: "refused", reason: reason ?? "unknown" };
  }
  return { type: "error", code: e.code, message: e.message };
}

function fromResult(result: Record<string, unknown>): Outcome {
  if (result.isError !== true) return { type: "ok", result };
  const sc = result.structuredContent as X402PaymentRequired | undefined;
  if (sc && Array.isArray(sc.accepts)) return { type: "x402_required", required: sc };
  return { type: "tool_error", result };
}

export type CallParams = {
  name: string;
  arguments: Record<string, unknown>;
  _meta?: Record<string, unknown>;
};

/** One tools/call through an SDK session; every answer (and every throw) becomes an Outcome. */
export async function sdkCall(client: Client, params: CallParams): Promise<Outcome> {
  try {
    return fromResult((await client.callTool(params)) as Record<string, unknown>);
  } catch (e) {
    if (e instanceof McpError) return fromError({ code: e.code, message: e.message, data: e.data });
    return { type: "error", code: 0, message: e instanceof Error ? e.message : String(e) };
  }
}

let rpcId = 1000;

/** A raw JSON-RPC POST (no session unless given); `notification` drops the id. */
export async function rawRpc(
  org: SimOrg,
  method: string,
  params: Record<string, unknown>,
  opts: { notification?: boolean; agent?: string } = {},
): Promise<Outcome | { type: "accepted"; status: number }> {
  const key = org.agentKeys[opts.agent ?? Object.keys(org.agentKeys)[0]!]!;
  rpcId += 1;
  const body = opts.notification
    ? { jsonrpc: "2.0", method, params }
    : { jsonrpc: "2.0", id: rpcId, method, params };
  const res = await exports.default.fetch(org.url(key), {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify(body),
  });
  if (opts.notification || res.status === 202) {
    await res.arrayBuffer();
    return { type: "accepted", status: res.status };
  }
  let msg: { result?: Record<string, unknown>; error?: RpcError } | null = null;
  if ((res.headers.get("content-type") ?? "").includes("text/event-stream")) {
    for await (const e of readSse(res.body!)) {
      const m = JSON.parse(e.data) as { id?: unknown; result?: Record<string, unknown>; error?: RpcError };
      if ("id" in m) msg = m;
    }
  } else {
    msg = (await res.json().catch(() => null)) as typeof msg;
  }
  if (!msg) return { type: "error", code: res.status, message: "no JSON-RPC answer" };
  if (msg.error) return fromError(msg.error);
  return fromResult(msg.result ?? {});
}

/** Open SDK sessions per agent, reused across steps (session budgets need several calls in one). */
export class Sessions {
  private readonly plain = new Map<string, Client[]>();
  private readonly payers = new Map<string, Client[]>();
  private readonly all: Client[] = [];

  async get(org: SimOrg, agent: string, kind: "plain" | "payer", fresh: boolean): Promise<Client> {
    const pool = kind === "plain" ? this.plain : this.payers;
    const key = `${org.name}:${agent}`;
    const list = pool.get(key) ?? [];
    pool.set(key, list);
    if (!fresh && list.length > 0) return list[list.length - 1]!;
    const client = await connectMcp(org.url(org.agentKeys[agent]!));
    this.all.push(client);
    if (kind === "payer") withPayer(client);
    list.push(client);
    return client;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.all.splice(0).map((c) => c.close().catch(() => undefined)));
    this.plain.clear();
    this.payers.clear();
  }
}
