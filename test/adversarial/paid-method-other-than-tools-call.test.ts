// Attack: pay through a method other than tools/call. MPP lists resources/read and prompts/get as
// payable; today's gateway relayed their challenges and credentials without a reservation. Any
// request that gets a challenge or carries a credential takes the price -> policy -> reserve ->
// claim -> settle path, and policies name them "resource:<uri>" and "prompt:<name>".
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { payCredential, type WireChallenge } from "../helpers/mcp-client";
import { witness } from "../helpers/witness";
import { attackOrg, connect, credentialsSeen, transactions } from "./helpers";

const URI = "demo://reports/paid";

async function challengeOf(p: Promise<unknown>): Promise<WireChallenge> {
  const err = (await p.catch((e: unknown) => e)) as McpError;
  expect(err).toBeInstanceOf(McpError);
  expect(err.code).toBe(-32042);
  return (err.data as { challenges: WireChallenge[] }).challenges[0]!;
}

async function codeOf(p: Promise<unknown>): Promise<{ code: number; reason?: string }> {
  const err = (await p.catch((e: unknown) => e)) as McpError;
  expect(err).toBeInstanceOf(McpError);
  return {
    code: err.code,
    reason: (err.data as { tollgate?: { reason: string } } | undefined)?.tollgate?.reason,
  };
}

describe("paid resources and prompts", () => {
  it("reserve before the challenge reaches the agent and commit the paid read", async () => {
    const org = await attackOrg();
    const client = await connect(org.url(org.agentKeys.main!));
    const challenge = await challengeOf(client.readResource({ uri: URI }));
    let rows = await transactions(org.orgId);
    expect(rows).toMatchObject([{ tool: `resource:${URI}`, status: "reserved", amount: "300000" }]);
    const read = await client.readResource({
      uri: URI,
      _meta: { "org.paymentauth/credential": payCredential(challenge) },
    });
    expect(read.contents[0]).toMatchObject({ text: "The paid report." });
    rows = await transactions(org.orgId);
    expect(rows).toMatchObject([{ status: "committed", committed_amount: "300000" }]);
    expect((await witness(org.host)).settlements).toHaveLength(1);
  });

  it("are judged by policy under their own names: a denied prompt's challenge never reaches the agent", async () => {
    const org = await attackOrg({
      policy: `version: "1"\ntools:\n  "prompt:paid_prompt":\n    rules:\n      - name: "prompt cap"\n        spend:\n          per_call: 0.10\n`,
    });
    const client = await connect(org.url(org.agentKeys.main!));
    const denied = await codeOf(client.getPrompt({ name: "paid_prompt", arguments: { topic: "x" } }));
    expect(denied).toEqual({ code: -32010, reason: "per_call_limit" });
    expect((await transactions(org.orgId)).map((r) => r.status)).toEqual(["denied"]);
  });

  it("refuse a credential the gateway never budgeted, before the upstream sees it", async () => {
    const org = await attackOrg();
    const client = await connect(org.url(org.agentKeys.main!));
    const forged = {
      id: "never-issued",
      realm: "tollgate-demo-upstream",
      method: "test",
      intent: "charge",
      request: { amount: "300000", currency: "0x20c0000000000000000000000000000000000000", recipient: "0x1" },
      expires: new Date(Date.now() + 60_000).toISOString(),
    };
    // Each call is made when awaited: a rejection nobody awaits yet would be unhandled.
    for (const call of [
      () => client.readResource({ uri: URI, _meta: { "org.paymentauth/credential": payCredential(forged) } }),
      () =>
        client.getPrompt({
          name: "paid_prompt",
          arguments: { topic: "x" },
          _meta: { "org.paymentauth/credential": payCredential(forged) },
        }),
    ]) {
      expect(await codeOf(call())).toEqual({ code: -32010, reason: "unknown_challenge" });
    }
    const seen = await witness(org.host);
    expect(credentialsSeen(seen)).toBe(0);
    expect(seen.settlements).toEqual([]);
  });

  it("bind a resource challenge to its URI: the credential cannot buy a tool call", async () => {
    const org = await attackOrg();
    const client = await connect(org.url(org.agentKeys.main!));
    const challenge = await challengeOf(client.readResource({ uri: URI }));
    const used = await codeOf(
      client.callTool({
        name: "paid_echo",
        arguments: { text: "x", price: "0.30" },
        _meta: { "org.paymentauth/credential": payCredential(challenge) },
      }),
    );
    expect(used).toEqual({ code: -32010, reason: "tool_mismatch" });
    expect(credentialsSeen(await witness(org.host))).toBe(0);
  });
});
