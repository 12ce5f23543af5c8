// A 2025-era upstream (the SDK's v1 server at /asking/mcp) asks the client mid-call with
// server.elicitInput / createMessage / listRoots, and the client is 2026-07-28: the gateway answers
// InputRequiredResult with that request as an inputRequest, keeps the upstream's stream open, and the
// retry's answer reaches the upstream as the response to its own request id (ADR 0037).
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { connectMcp } from "../helpers/mcp-client";
import { modernCall, type RpcAnswer } from "../helpers/modern-client";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";

const ALL = { elicitation: {}, sampling: {}, roots: {} };
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function org() {
  const host = witnessHost();
  const seeded = await seedOrg({ upstreams: [{ namespace: "asking", url: `https://${host}/asking/mcp` }] });
  return { ...seeded, host, mcp: seeded.url(seeded.agentKeys.main!) };
}

function question(a: RpcAnswer) {
  expect(a.body.result).toMatchObject({ resultType: "input_required" });
  const r = a.body.result as {
    inputRequests: Record<string, { method: string; params: unknown }>;
    requestState: string;
  };
  return { request: r.inputRequests.upstream_request!, state: r.requestState };
}

function call(
  mcp: string,
  name: string,
  extra: Record<string, unknown> = {},
  caps: Record<string, unknown> = ALL,
) {
  return modernCall(mcp, "tools/call", { name, arguments: {}, ...extra }, { capabilities: caps });
}

describe("a 2025-era upstream's server requests for a 2026-07-28 client", () => {
  it("(baseline) a 2025-era client answers them on the call's stream", async () => {
    const o = await org();
    const client = await connectMcp(o.mcp, { capabilities: { elicitation: {} } });
    clients.push(client);
    client.setRequestHandler(ElicitRequestSchema, async () => ({
      action: "accept",
      content: { name: "Bo" },
    }));
    const result = await client.callTool({ name: "ask_name", arguments: {} });
    expect(result.content).toEqual([{ type: "text", text: "hello Bo" }]);
  });

  it("an elicitation becomes input_required; the retry's answer reaches the upstream, which finishes", async () => {
    const o = await org();
    const asked = question(await call(o.mcp, "ask_name"));
    expect(asked.request).toMatchObject({ method: "elicitation/create", params: { message: "Your name?" } });
    expect(asked.state).toMatch(/^tgrs1\./);
    expect((await witness(o.host)).runs).toEqual([]);
    const done = await call(o.mcp, "ask_name", {
      requestState: asked.state,
      inputResponses: { upstream_request: { action: "accept", content: { name: "Ada" } } },
    });
    expect(done.body.result).toMatchObject({
      resultType: "complete",
      content: [{ type: "text", text: "hello Ada" }],
    });
    expect((await witness(o.host)).runs).toEqual([{ tool: "ask_name", args: { name: "Ada" } }]);
  });

  it("sampling then elicitation: two rounds, each with its own state", async () => {
    const o = await org();
    const first = question(await call(o.mcp, "ask_model"));
    expect(first.request.method).toBe("sampling/createMessage");
    const line = {
      role: "assistant",
      content: { type: "text", text: "a line" },
      model: "m",
      stopReason: "endTurn",
    };
    const second = question(
      await call(o.mcp, "ask_model", {
        requestState: first.state,
        inputResponses: { upstream_request: line },
      }),
    );
    expect(second.request.method).toBe("elicitation/create");
    expect(second.state).not.toBe(first.state);
    const done = await call(o.mcp, "ask_model", {
      requestState: second.state,
      inputResponses: { upstream_request: { action: "accept", content: { name: "Ada" } } },
    });
    expect(done.body.result).toMatchObject({ content: [{ type: "text", text: "Ada: a line" }] });
  });

  it("roots/list is bridged too", async () => {
    const o = await org();
    const asked = question(await call(o.mcp, "ask_roots"));
    expect(asked.request.method).toBe("roots/list");
    const done = await call(o.mcp, "ask_roots", {
      requestState: asked.state,
      inputResponses: { upstream_request: { roots: [{ uri: "file:///work" }] } },
    });
    expect(done.body.result).toMatchObject({ content: [{ type: "text", text: "file:///work" }] });
  });

  it("a retry without the answer is asked the same question again", async () => {
    const o = await org();
    const asked = question(await call(o.mcp, "ask_name"));
    const again = question(await call(o.mcp, "ask_name", { requestState: asked.state, inputResponses: {} }));
    expect(again.request).toEqual(asked.request);
    const done = await call(o.mcp, "ask_name", {
      requestState: again.state,
      inputResponses: { upstream_request: { action: "decline" } },
    });
    expect(done.body.result).toMatchObject({ content: [{ type: "text", text: "hello (decline)" }] });
  });

  it("a client that did not declare the capability is not asked: the upstream is told, the call fails", async () => {
    const o = await org();
    const a = await call(o.mcp, "ask_name", {}, { sampling: {} });
    expect(a.body.result?.resultType).not.toBe("input_required");
    expect(JSON.stringify(a.body)).toMatch(/elicitation/);
    expect((await witness(o.host)).runs).toEqual([]);
  });
});
