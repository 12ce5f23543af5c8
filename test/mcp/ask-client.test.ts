// A 2026-07-28 upstream (the spec-built fixture at /modern/mcp) asks for input by MRTR while serving a
// 2025-era SDK client: the gateway puts each input request to the client as elicitation/create or
// sampling/createMessage on the call's stream, then asks the upstream again with the answers and its
// own requestState, round after round, until the final result (ADR 0037).
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { CreateMessageRequestSchema, ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { transactions } from "../adversarial/helpers";
import { connectMcp, withPayer } from "../helpers/mcp-client";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function org() {
  const host = witnessHost();
  const seeded = await seedOrg({ upstreams: [{ namespace: "modern", url: `https://${host}/modern/mcp` }] });
  return { ...seeded, host, mcp: seeded.url(seeded.agentKeys.main!) };
}

type Asked = { elicit: string[]; sample: number };

async function answeringClient(url: string, asked: Asked, sure = "accept"): Promise<Client> {
  const client = await connectMcp(url, { capabilities: { elicitation: {}, sampling: {} } });
  clients.push(client);
  client.setRequestHandler(ElicitRequestSchema, async (req) => {
    asked.elicit.push(req.params.message);
    return req.params.message === "Sure?"
      ? { action: sure as "accept" }
      : { action: "accept", content: { name: "Ada" } };
  });
  client.setRequestHandler(CreateMessageRequestSchema, async () => {
    asked.sample++;
    return {
      role: "assistant",
      content: { type: "text", text: "a line" },
      model: "test",
      stopReason: "endTurn",
    };
  });
  return client;
}

describe("a 2026-07-28 upstream's questions for a 2025-era client", () => {
  it("become elicitation and sampling requests, and the upstream gets the answers with its own state", async () => {
    const o = await org();
    const asked: Asked = { elicit: [], sample: 0 };
    const client = await answeringClient(o.mcp, asked);
    const result = await client.callTool({ name: "modern_survey", arguments: {} });
    expect(result.content).toEqual([{ type: "text", text: "Ada: a line" }]);
    expect(asked).toEqual({ elicit: ["Your name?"], sample: 1 });
    const w = await witness(o.host);
    expect(w.runs).toHaveLength(1);
    // The state came back verbatim (the fixture refuses any it did not issue).
    expect((w.runs[0]!.args as { state: string }).state).toMatch(/^survey-1-/);
    // The upstream was told what the client declared, so it could ask.
    const calls = w.requests.filter((r) => r.rpcMethod === "tools/call");
    expect(calls).toHaveLength(2);
  });

  it("loops over rounds until the final result", async () => {
    const o = await org();
    const asked: Asked = { elicit: [], sample: 0 };
    const client = await answeringClient(o.mcp, asked);
    const result = await client.callTool({ name: "modern_survey", arguments: { confirm: true } });
    expect(result.content).toEqual([{ type: "text", text: "Ada: a line" }]);
    expect(asked.elicit).toEqual(["Your name?", "Sure?"]);
    const w = await witness(o.host);
    expect((w.runs[0]!.args as { round: number }).round).toBe(2);
    expect(w.requests.filter((r) => r.rpcMethod === "tools/call")).toHaveLength(3);
  });

  it("a client that declared neither capability is asked nothing: the upstream is told so", async () => {
    const o = await org();
    const client = await connectMcp(o.mcp);
    clients.push(client);
    // The upstream was told the client takes nothing, so it refused the call itself (-32021).
    await expect(client.callTool({ name: "modern_survey", arguments: {} })).rejects.toThrow(/-32021/);
    expect((await witness(o.host)).runs).toEqual([]);
  });

  it("a question the client did not declare is not relayed: a clear error names the capability", async () => {
    const o = await org();
    const client = await connectMcp(o.mcp, { capabilities: { sampling: {} } });
    clients.push(client);
    client.setRequestHandler(CreateMessageRequestSchema, async () => {
      throw new Error("never asked");
    });
    // modern_confirm asks elicitation whatever the client declared; the gateway does not pass it on.
    const result = await client.callTool({ name: "modern_confirm", arguments: {} });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain("elicitation.form");
    expect((await witness(o.host)).runs).toEqual([]);
  });

  it("a paid call that asks after the payment: answered through the client, paid once, receipt kept", async () => {
    const o = await org();
    const client = await connectMcp(o.mcp, { capabilities: { elicitation: {} } });
    clients.push(client);
    client.setRequestHandler(ElicitRequestSchema, async () => ({
      action: "accept",
      content: { name: "Ada" },
    }));
    const paying = withPayer(client);
    const result = await paying.callTool({ name: "modern_paid_ask", arguments: {} });
    expect(result.content).toEqual([{ type: "text", text: "delivered to Ada" }]);
    const w = await witness(o.host);
    expect(w.settlements).toHaveLength(1);
    expect(w.runs).toEqual([{ tool: "modern_paid_ask", args: { where: "Ada" } }]);
    // The credential went up once: the MRTR round after it carried the answer, not the credential again.
    const calls = w.requests.filter((r) => r.rpcMethod === "tools/call");
    expect(calls.filter((r) => r.metaKeys.includes("org.paymentauth/credential"))).toHaveLength(1);
    expect(calls).toHaveLength(3);
    const committed = (await transactions(o.orgId)).filter((r) => r.status === "committed");
    expect(committed.map((r) => [r.committed_amount, r.unconfirmed])).toEqual([["500000", 0]]);
  });
});
