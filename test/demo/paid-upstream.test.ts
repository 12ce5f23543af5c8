// Drives the demo paid upstream directly (global fetch -> auxiliary Worker, no gateway) with the real SDK
// client and mppx payer, pinning the wire shapes the gateway tests rely on.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import {
  CREDENTIAL_META_KEY,
  connectUpstreamDirect,
  payCredential,
  RECEIPT_META_KEY,
  type WireChallenge,
  withPayer,
  X402_PAYMENT_META_KEY,
  X402_RESPONSE_META_KEY,
  type X402PaymentRequired,
  x402Payment,
} from "../helpers/mcp-client";
import { callTool, post, rpc } from "./wire";

const SSE = "https://paid.example/mcp";
const JSON_MODE = "https://paid.example/json/mcp";
const PATH_USD = "0x20c0000000000000000000000000000000000000";
const RECIPIENT = "0x742d35Cc6634C0532925a3b844Bc454e4438f44e";

const open: Client[] = [];
async function connect(url: string): Promise<Client> {
  const client = await connectUpstreamDirect(url);
  open.push(client);
  return client;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

async function paymentError(client: Client, name: string, args: Record<string, unknown>): Promise<McpError> {
  const error = await client.callTool({ name, arguments: args }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(McpError);
  return error as McpError;
}

async function challengeFor(
  url: string,
  name: string,
  args: Record<string, unknown>,
): Promise<WireChallenge> {
  const answer = await callTool(url, name, args);
  expect(answer.error?.code).toBe(-32042);
  const challenges = answer.error?.data?.challenges as WireChallenge[];
  return challenges[0]!;
}

const textOf = (result: unknown) => (result as { content?: Array<{ text?: string }> }).content?.[0]?.text;

describe("demo upstream: routing and catalogue", () => {
  it("is reached by the test's own global fetch, whatever the host", async () => {
    const page = await fetch("https://any-host.example/");
    expect(await page.text()).toContain("Tollgate demo paid MCP upstream");
  });

  it("lists every tool with a description", async () => {
    const client = await connect(SSE);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      [
        "charge_then_fail",
        "echo",
        "generate_image",
        "get_time",
        "multi_offer",
        "paid_echo",
        "research_report",
        "server_error",
        "slow_paid",
      ].sort(),
    );
    for (const tool of tools) expect(tool.description).toBeTruthy();
  });

  it("answers free tools without payment", async () => {
    const client = await connect(SSE);
    expect(textOf(await client.callTool({ name: "echo", arguments: { text: "hello" } }))).toBe("hello");
    const time = textOf(await client.callTool({ name: "get_time", arguments: {} }));
    expect(time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it("refuses GET and DELETE on /mcp with 405 and serves fixtures by path", async () => {
    expect((await fetch(SSE)).status).toBe(405);
    expect((await fetch(SSE, { method: "DELETE" })).status).toBe(405);
    const garbage = await post("https://paid.example/garbage/mcp", { id: 1, method: "tools/list" });
    expect(garbage.status).toBe(200);
    expect(await garbage.text()).toBe("not json at all");
    expect((await post("https://paid.example/error500/mcp", { id: 1, method: "tools/list" })).status).toBe(
      500,
    );
    const slow = await rpc("https://paid.example/slow/mcp?delay=0", { id: 1, method: "tools/list" });
    expect(slow[0]?.result?.tools).toBeDefined();
  });
});

describe("demo upstream: MPP challenges", () => {
  for (const [mode, url] of [
    ["SSE", SSE],
    ["JSON", JSON_MODE],
  ] as const) {
    it(`answers an unpaid paid call with -32042 and real challenges (${mode})`, async () => {
      const client = await connect(url);
      const error = await paymentError(client, "generate_image", { prompt: "a cat" });
      expect(error.code).toBe(-32042);
      const data = error.data as { httpStatus: number; challenges: WireChallenge[] };
      expect(data.httpStatus).toBe(402);
      expect(data.challenges).toHaveLength(1);
      expect(data.challenges[0]).toMatchObject({
        method: "test",
        intent: "charge",
        realm: "tollgate-demo-upstream",
        request: { amount: "500000", currency: PATH_USD, recipient: RECIPIENT },
      });
      expect(data.challenges[0]?.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Date.parse(data.challenges[0]?.expires ?? "")).not.toBeNaN();
    });
  }

  it("prices in base units: research depth and paid_echo's chosen price", async () => {
    const brief = await challengeFor(JSON_MODE, "research_report", { topic: "tides" });
    const deep = await challengeFor(JSON_MODE, "research_report", { topic: "tides", depth: "deep" });
    const custom = await challengeFor(JSON_MODE, "paid_echo", { text: "x", price: "2.50" });
    expect([brief.request.amount, deep.request.amount, custom.request.amount]).toEqual([
      "2000000",
      "15000000",
      "2500000",
    ]);
  });

  it("offers two alternative challenges for multi_offer, and the payer picks the test method", async () => {
    const challenges = (await callTool(JSON_MODE, "multi_offer", {})).error?.data
      ?.challenges as WireChallenge[];
    expect(challenges.map((c) => [c.method, c.request.amount])).toEqual([
      ["test", "1000000"],
      ["othermethod", "3000000"],
    ]);
    const client = withPayer(await connect(SSE));
    const result = await client.callTool({ name: "multi_offer", arguments: {} });
    expect(result.receipt?.challengeId).toBeTruthy();
  });
});

describe("demo upstream: paying", () => {
  it("returns content and a receipt with a unique reference once paid", async () => {
    const client = withPayer(await connect(SSE));
    const first = await client.callTool({ name: "paid_echo", arguments: { text: "hi", price: "0.01" } });
    const second = await client.callTool({ name: "paid_echo", arguments: { text: "hi", price: "0.01" } });
    expect(textOf(first)).toBe("hi");
    expect(first.receipt).toMatchObject({ method: "test", status: "success" });
    expect(first._meta?.[RECEIPT_META_KEY]).toEqual(first.receipt);
    expect(first.receipt?.reference).not.toBe(second.receipt?.reference);
    expect(first.receipt?.challengeId).not.toBe(second.receipt?.challengeId);
  });

  it("lets the approval hook see the challenge and decline", async () => {
    const seen: string[] = [];
    const client = withPayer(await connect(JSON_MODE), {
      onPaymentRequired: (challenge) => {
        seen.push(String(challenge.request.amount));
        return false;
      },
    });
    await expect(client.callTool({ name: "generate_image", arguments: { prompt: "p" } })).rejects.toThrow(
      "Payment declined.",
    );
    expect(seen).toEqual(["500000"]);
  });

  it("refuses a replayed credential", async () => {
    const challenge = await challengeFor(JSON_MODE, "generate_image", { prompt: "p" });
    const meta = { [CREDENTIAL_META_KEY]: payCredential(challenge) };
    const paid = await callTool(JSON_MODE, "generate_image", { prompt: "p" }, meta);
    expect(paid.result?._meta?.[RECEIPT_META_KEY]).toMatchObject({ challengeId: challenge.id });
    const replay = await callTool(JSON_MODE, "generate_image", { prompt: "p" }, meta);
    expect(replay.result?.isError).toBe(true);
    expect(textOf(replay.result!)).toContain("-32043");
    expect(replay.result?._meta).toBeUndefined();
  });

  it("refuses a credential whose echoed amount was tampered with, or whose token is wrong", async () => {
    const challenge = await challengeFor(JSON_MODE, "paid_echo", { text: "x", price: "5.00" });
    const cheap = { ...challenge, request: { ...challenge.request, amount: "1" } };
    const tampered = await callTool(
      JSON_MODE,
      "paid_echo",
      { text: "x", price: "5.00" },
      { [CREDENTIAL_META_KEY]: payCredential(cheap) },
    );
    expect(tampered.result?.isError).toBe(true);
    expect(textOf(tampered.result!)).toContain("-32043");
    const badToken = await callTool(
      JSON_MODE,
      "paid_echo",
      { text: "x", price: "5.00" },
      { [CREDENTIAL_META_KEY]: payCredential(challenge, "nope") },
    );
    expect(textOf(badToken.result!)).toContain("-32043");
  });

  it("refuses a credential for a different price of the same tool", async () => {
    const challenge = await challengeFor(JSON_MODE, "paid_echo", { text: "x", price: "0.10" });
    const answer = await callTool(
      JSON_MODE,
      "paid_echo",
      { text: "x", price: "9.00" },
      { [CREDENTIAL_META_KEY]: payCredential(challenge) },
    );
    expect(answer.result?.isError).toBe(true);
  });
});

describe("demo upstream: streaming and failures after payment", () => {
  it("sends progress before the -32042 on the SSE stream", async () => {
    const messages = await rpc(SSE, {
      id: 1,
      method: "tools/call",
      params: { name: "slow_paid", arguments: { text: "x" }, _meta: { progressToken: "p1" } },
    });
    expect(messages.map((m) => m.method ?? m.error?.code)).toEqual([
      "notifications/progress",
      "notifications/progress",
      "notifications/progress",
      -32042,
    ]);
  });

  it("delivers progress notifications before the paid result", async () => {
    const events: string[] = [];
    const client = withPayer(await connect(SSE));
    const result = await client.callTool({ name: "slow_paid", arguments: { text: "done" } }, undefined, {
      onprogress: (p) => events.push(`progress ${p.progress}/${p.total}`),
    });
    events.push(`result ${textOf(result)}`);
    // Three progress steps on the unpaid attempt, three on the paid retry.
    expect(events).toEqual([
      ...["progress 1/3", "progress 2/3", "progress 3/3"],
      ...["progress 1/3", "progress 2/3", "progress 3/3"],
      "result done",
    ]);
    expect(result.receipt).toBeDefined();
  });

  it("charge_then_fail consumes the payment but returns isError without a receipt", async () => {
    const challenge = await challengeFor(SSE, "charge_then_fail", {});
    const meta = { [CREDENTIAL_META_KEY]: payCredential(challenge) };
    const failed = await callTool(SSE, "charge_then_fail", {}, meta);
    expect(failed.result).toEqual({
      isError: true,
      content: [{ type: "text", text: "upstream exploded after charging" }],
    });
    const again = await callTool(SSE, "charge_then_fail", {}, meta);
    expect(textOf(again.result!)).toContain("was already used"); // the money did move
  });

  it("server_error answers HTTP 500 after charging, and a normal -32042 when unpaid", async () => {
    const challenge = await challengeFor(SSE, "server_error", {});
    const params = {
      name: "server_error",
      arguments: {},
      _meta: { [CREDENTIAL_META_KEY]: payCredential(challenge) },
    };
    const crashed = await post(SSE, { id: 2, method: "tools/call", params });
    expect(crashed.status).toBe(500);
    const again = await callTool(SSE, "server_error", {}, params._meta);
    expect(textOf(again.result!)).toContain("was already used");
  });
});

describe("demo upstream: x402 and elicitation variants", () => {
  const X402 = "https://paid.example/x402/mcp";

  it("answers an unpaid x402 tool with an isError PaymentRequired, then settles a matching payment", async () => {
    const client = await connect(X402);
    const unpaid = await client.callTool({ name: "x402_weather", arguments: { city: "Porto" } });
    expect(unpaid.isError).toBe(true);
    const required = unpaid.structuredContent as X402PaymentRequired;
    expect(JSON.parse(textOf(unpaid)!)).toEqual(required);
    expect(required).toMatchObject({
      x402Version: 2,
      resource: { url: "mcp://tool/x402_weather" },
      accepts: [{ scheme: "exact", network: "eip155:84532", amount: "10000" }],
    });

    const payment = x402Payment(required);
    for (const form of [payment, btoa(JSON.stringify(payment))]) {
      const paid = await client.callTool({
        name: "x402_weather",
        arguments: { city: "Porto" },
        _meta: { [X402_PAYMENT_META_KEY]: form },
      });
      expect(paid.isError).toBeFalsy();
      expect(textOf(paid)).toContain("Porto");
      expect(paid._meta?.[X402_RESPONSE_META_KEY]).toEqual({
        success: true,
        transaction: expect.stringMatching(/^0x[0-9a-f]{64}$/),
        network: "eip155:84532",
        payer: "0x1111111111111111111111111111111111111111",
      });
    }
  });

  it("rejects an x402 payment that does not match the offer", async () => {
    const client = await connect(X402);
    const unpaid = await client.callTool({ name: "x402_weather", arguments: {} });
    const required = unpaid.structuredContent as X402PaymentRequired;
    const cheap = x402Payment({ ...required, accepts: [{ ...required.accepts[0], amount: "1" }] });
    const result = await client.callTool({
      name: "x402_weather",
      arguments: {},
      _meta: { [X402_PAYMENT_META_KEY]: cheap },
    });
    expect(result.isError).toBe(true);
    expect(result._meta).toBeUndefined();
  });

  it("answers needs_login with a -32042 that carries elicitations, not challenges", async () => {
    const client = await connect("https://paid.example/elicit/mcp");
    const error = await paymentError(client, "needs_login", {});
    expect(error.code).toBe(-32042);
    const data = error.data as Record<string, unknown>;
    expect(data.challenges).toBeUndefined();
    expect(data.elicitations).toEqual([expect.objectContaining({ mode: "url", url: expect.any(String) })]);
  });
});
