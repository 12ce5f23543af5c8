// Payment shapes beyond the basic MPP charge: x402 over MCP, alternative offers, SSE progress before
// a challenge, expiry of unpaid challenges, and an upstream that stops answering.

import { env } from "cloudflare:workers";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { ledgerFor } from "../../src/ledger/client";
import {
  connectMcp,
  payCredential,
  type WireChallenge,
  withPayer,
  type X402PaymentRequired,
  x402Payment,
} from "../helpers/mcp-client";
import { seedOrg } from "../helpers/seed";

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
async function connect(url: string) {
  const c = await connectMcp(url);
  clients.push(c);
  return c;
}

type TxRow = {
  id: string;
  status: string;
  tool: string;
  amount: string | null;
  committed_amount: string | null;
  currency: string | null;
};
async function transactions(orgId: string): Promise<TxRow[]> {
  await ledgerFor(env, orgId).flush();
  return (
    await env.DB.prepare("SELECT * FROM transactions WHERE org_id = ? ORDER BY created_at, id")
      .bind(orgId)
      .all<TxRow>()
  ).results;
}

describe("x402 over MCP through the gateway", () => {
  it("reserves the x402 price, forwards the payment, and commits on the payment response", async () => {
    const org = await seedOrg({
      upstreams: [{ namespace: "x", url: "https://paid.example/x402/mcp" }],
      agents: [
        { name: "main", isDefault: true, mandate: { currency: "USDC", decimals: 6, budgetDaily: "1000000" } },
      ],
    });
    const client = await connect(org.url(org.agentKeys.main!));
    const first = await client.callTool({ name: "x402_weather", arguments: { city: "Paris" } });
    expect(first.isError).toBe(true);
    const required = first.structuredContent as X402PaymentRequired;
    expect(required.accepts[0]?.amount).toBe("10000");
    const paid = await client.callTool({
      name: "x402_weather",
      arguments: { city: "Paris" },
      _meta: { "x402/payment": x402Payment(required) },
    });
    expect(paid.isError).toBeFalsy();
    expect((paid._meta as Record<string, { success: boolean }>)["x402/payment-response"]?.success).toBe(true);
    const rows = await transactions(org.orgId);
    expect(rows.find((r) => r.status === "committed")).toMatchObject({ amount: "10000", currency: "USDC" });
    // The same x402 payment cannot be used twice.
    const replay = (await client
      .callTool({
        name: "x402_weather",
        arguments: { city: "Paris" },
        _meta: { "x402/payment": x402Payment(required) },
      })
      .catch((e: unknown) => e)) as McpError;
    expect((replay.data as { tollgate: { reason: string } }).tollgate.reason).toBe("challenge_used");
  });
});

describe("alternative offers", () => {
  it("narrows the challenge to the offers it could price, and refuses a credential for any other", async () => {
    const org = await seedOrg({
      agents: [
        {
          name: "main",
          isDefault: true,
          mandate: { currency: "PATHUSD", decimals: 6, budgetDaily: "10000000" },
        },
      ],
    });
    const client = await connect(org.url(org.agentKeys.main!));
    // Upstream offers: test method 1.00 pathUSD, or "othermethod" 3.00 (a method Tollgate cannot price).
    const direct = await connectMcp("https://paid.example/mcp", { fetch: (u, i) => fetch(u, i) });
    clients.push(direct);
    const upstream = (await direct
      .callTool({ name: "multi_offer", arguments: {} })
      .catch((e: unknown) => e)) as McpError;
    const both = (upstream.data as { challenges: WireChallenge[] }).challenges;
    expect(both.map((c) => c.method).sort()).toEqual(["othermethod", "test"]);

    const err = (await client
      .callTool({ name: "multi_offer", arguments: {} })
      .catch((e: unknown) => e)) as McpError;
    expect(err.code).toBe(-32042);
    const challenges = (err.data as { challenges: WireChallenge[] }).challenges;
    expect(challenges.map((c) => c.method)).toEqual(["test"]);
    const reserved = await transactions(org.orgId);
    expect(reserved[0]).toMatchObject({ status: "reserved", amount: "1000000" });
    // A credential for the unpriceable offer (taken from the upstream directly) never reaches it.
    const other = both.find((c) => c.method === "othermethod")!;
    const refused = (await client
      .callTool({
        name: "multi_offer",
        arguments: {},
        _meta: { "org.paymentauth/credential": payCredential(other) },
      })
      .catch((e: unknown) => e)) as McpError;
    expect((refused.data as { tollgate: { reason: string } }).tollgate.reason).toBe("unknown_challenge");
    await client.callTool({
      name: "multi_offer",
      arguments: {},
      _meta: { "org.paymentauth/credential": payCredential(challenges[0]!) },
    });
    const rows = await transactions(org.orgId);
    expect(rows.find((r) => r.id === reserved[0]!.id)).toMatchObject({
      status: "committed",
      committed_amount: "1000000",
    });
  });
});

describe("streams and time", () => {
  it("relays progress notifications before the challenge and the paid result (SSE)", async () => {
    const org = await seedOrg();
    const client = withPayer(await connect(org.url(org.agentKeys.main!)));
    const progress: number[] = [];
    const result = await client.callTool({ name: "slow_paid", arguments: { text: "slow" } }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    });
    expect(result.content).toEqual([{ type: "text", text: "slow" }]);
    expect(progress.length).toBeGreaterThanOrEqual(3);
  });

  it("releases an unpaid challenge's reservation when it expires", async () => {
    const org = await seedOrg({
      agents: [
        {
          name: "main",
          isDefault: true,
          mandate: { currency: "PATHUSD", decimals: 6, budgetDaily: "10000000" },
        },
      ],
    });
    const client = await connect(org.url(org.agentKeys.main!));
    await client
      .callTool({ name: "paid_echo", arguments: { text: "x", price: "4.00" } })
      .catch(() => undefined);
    const stub = ledgerFor(env, org.orgId);
    // mppx challenges expire after 5 minutes; the ledger holds them that long plus clock skew.
    await stub.sweep({ now: Date.now() + 10 * 60_000 });
    const rows = await transactions(org.orgId);
    expect(rows.map((r) => r.status)).toEqual(["expired"]);
    expect((await stub.verify()).ok).toBe(true);
  });

  it("turns an upstream that stops answering into a JSON-RPC error and leaves nothing reserved", async () => {
    const org = await seedOrg({
      upstreams: [{ namespace: "slow", url: "https://paid.example/slow/mcp?delay=60000" }],
    });
    const res = await (await import("cloudflare:workers")).exports.default.fetch(
      org.url(org.agentKeys.main!),
      {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 3,
          method: "tools/call",
          params: { name: "echo", arguments: { text: "x" } },
        }),
      },
    );
    const body = (await res.json()) as { error: { code: number; message: string } };
    expect(body.error.code).toBe(-32002);
    expect(body.error.message).toContain("did not answer");
  });
});
