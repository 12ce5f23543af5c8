// Shared moves of the attack tests: a seeded org on its own witness host, the real SDK client, the
// challenge an unpaid call gets, the denial a refused call gets, and what D1 holds afterwards.
import { env, exports } from "cloudflare:workers";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, expect } from "vitest";
import { ledgerFor } from "../../src/ledger/client";
import { connectMcp, type WireChallenge, type X402PaymentRequired } from "../helpers/mcp-client";
import { type SeedOptions, seedOrg } from "../helpers/seed";
import { witnessHost } from "../helpers/witness";

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

/** An org whose only upstream is the demo server at `path` on a fresh witness host. */
export async function attackOrg(opts: Omit<SeedOptions, "upstreams"> & { path?: string } = {}) {
  const host = witnessHost();
  const org = await seedOrg({
    ...opts,
    upstreams: [{ namespace: "paid", url: `https://${host}${opts.path ?? "/mcp"}` }],
  });
  return { ...org, host };
}

export async function connect(url: string, opts: Parameters<typeof connectMcp>[1] = {}): Promise<Client> {
  const c = await connectMcp(url, opts);
  clients.push(c);
  return c;
}

export type TollgateDenial = {
  reason: string;
  message: string;
  rule: string | null;
  scope: { remaining: string } | null;
  approvalId: string | null;
};

/** The denial contract's data of a call Tollgate refused (-32010, or `code` when given). */
export async function denialOf(
  p: Promise<unknown>,
  code = -32010,
): Promise<TollgateDenial & { text: string }> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(McpError);
  const e = err as McpError;
  expect(e.code).toBe(code);
  return { ...(e.data as { tollgate: TollgateDenial }).tollgate, text: e.message };
}

/** The MPP challenge an unpaid call gets through the gateway. */
export async function mppChallenge(client: Client, name: string, args: Record<string, unknown>) {
  const err = (await client.callTool({ name, arguments: args }).catch((e: unknown) => e)) as McpError;
  expect(err).toBeInstanceOf(McpError);
  expect(err.code).toBe(-32042);
  return (err.data as { challenges: WireChallenge[] }).challenges[0]!;
}

/** The x402 PaymentRequired an unpaid call gets (an isError result carrying it). */
export async function x402Challenge(client: Client, name: string, args: Record<string, unknown>) {
  const result = await client.callTool({ name, arguments: args });
  expect(result.isError).toBe(true);
  return result.structuredContent as X402PaymentRequired;
}

export type TxRow = {
  id: string;
  agent_id: string;
  status: string;
  tool: string;
  kind: string;
  amount: string | null;
  committed_amount: string | null;
  reason_code: string | null;
  unconfirmed: number;
  shadow: number;
};

export async function transactions(orgId: string): Promise<TxRow[]> {
  await ledgerFor(env, orgId).flush();
  const rows = await env.DB.prepare("SELECT * FROM transactions WHERE org_id = ? ORDER BY created_at, id")
    .bind(orgId)
    .all<TxRow>();
  return rows.results;
}

/** Requests the upstream received that carried a payment credential. */
export function credentialsSeen(w: { requests: { metaKeys: string[] }[] }): number {
  return w.requests.filter((r) =>
    r.metaKeys.some((k) => k === "org.paymentauth/credential" || k === "x402/payment"),
  ).length;
}

/** One raw JSON-RPC POST to the gateway (for messages the SDK client would never send). */
export function postRaw(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return exports.default.fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

/** The operator approves through the admin API (deployment token); `body` may carry a maxPrice. */
export function approveAsOperator(orgId: string, approvalId: string, body: unknown = {}): Promise<Response> {
  return exports.default.fetch(`https://gw.test/api/v1/orgs/${orgId}/approvals/${approvalId}/approve`, {
    method: "POST",
    headers: { authorization: "Bearer test-admin-token-0123456789", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}
