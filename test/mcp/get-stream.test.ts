// The 2025 standalone GET stream through the gateway (ADR 0035): two stateful SDK v1 upstreams, each
// sending on its own GET stream what belongs to no call (resource updates, list changes, logging,
// sampling and elicitation requests), merged into the client's one GET stream; the client's answers
// go back to the upstream that asked only; closing the client closes the upstream streams.

import { exports } from "cloudflare:workers";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { connectMcp } from "../helpers/mcp-client";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

type Report = { sessions: number; openGetStreams: number };
async function report(host: string): Promise<Report> {
  return (await (await fetch(`https://${host}/_stateful`)).json()) as Report;
}

async function twoStatefulUpstreams() {
  const [a, b] = [witnessHost(), witnessHost()];
  const org = await seedOrg({
    upstreams: [
      { namespace: "a", url: `https://${a}/stateful/mcp?name=a` },
      { namespace: "b", url: `https://${b}/stateful/mcp?name=b` },
    ],
  });
  const client = await connectMcp(org.url(org.agentKeys.main!), {
    capabilities: { sampling: {}, elicitation: {} },
  });
  clients.push(client);
  // The SDK client opens its GET stream after initialize; wait until both upstreams hold theirs.
  await vi.waitFor(
    async () => {
      expect((await report(a)).openGetStreams).toBe(1);
      expect((await report(b)).openGetStreams).toBe(1);
    },
    { timeout: 5_000, interval: 50 },
  );
  return { client, a, b };
}

/** Client answers (POSTs carrying a result or error, no method) that reached one upstream host. */
async function answersSeen(host: string) {
  return (await witness(host)).requests.filter((r) => r.httpMethod === "POST" && r.rpcMethod === null);
}

describe("the standalone GET stream, 2025 clients", () => {
  it("merges both upstreams' notifications into the client's one stream", async () => {
    const { client } = await twoStatefulUpstreams();
    const updated: string[] = [];
    const logs: unknown[] = [];
    let listChanged = 0;
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updated.push(n.params.uri);
    });
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      logs.push(n.params.data);
    });
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      listChanged++;
    });
    expect((await client.callTool({ name: "a__announce", arguments: {} })).content).toEqual([
      { type: "text", text: "a announced" },
    ]);
    await client.callTool({ name: "b__announce", arguments: {} });
    await vi.waitFor(
      () => {
        expect(updated.sort()).toEqual(["test://a/watched", "test://b/watched"]);
        expect(logs.sort()).toEqual(["a announces", "b announces"]);
        expect(listChanged).toBe(2);
      },
      { timeout: 3_000, interval: 20 },
    );
  });

  it("a sampling request on an upstream's GET stream reaches the client; the answer reaches only the asker", async () => {
    const { client, a, b } = await twoStatefulUpstreams();
    const asked: string[] = [];
    client.setRequestHandler(CreateMessageRequestSchema, async (req, extra) => {
      asked.push(String(extra.requestId));
      const first = req.params.messages[0]?.content as { text?: string };
      return { role: "assistant", model: "test", content: { type: "text", text: `re: ${first.text}` } };
    });
    const result = await client.callTool({ name: "b__ask_sampling", arguments: { prompt: "hello" } });
    expect(result.content).toEqual([{ type: "text", text: "b sampled: re: hello" }]);
    // The id the client saw names the upstream that asked, never the upstream's own bare id.
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(/^tgu\./);
    expect(await answersSeen(b)).toHaveLength(1);
    expect(await answersSeen(a)).toHaveLength(0);
  });

  it("an elicitation request on the GET stream completes the tool call", async () => {
    const { client, a, b } = await twoStatefulUpstreams();
    client.setRequestHandler(ElicitRequestSchema, async () => ({
      action: "accept",
      content: { name: "Ada" },
    }));
    const result = await client.callTool({ name: "a__ask_elicitation", arguments: {} });
    expect(result.content).toEqual([
      { type: "text", text: 'a elicited: {"action":"accept","content":{"name":"Ada"}}' },
    ]);
    expect(await answersSeen(a)).toHaveLength(1);
    expect(await answersSeen(b)).toHaveLength(0);
  });

  it("closing the client closes every upstream GET stream", async () => {
    const { client, a, b } = await twoStatefulUpstreams();
    await client.close();
    await vi.waitFor(
      async () => {
        expect((await report(a)).openGetStreams).toBe(0);
        expect((await report(b)).openGetStreams).toBe(0);
      },
      { timeout: 5_000, interval: 50 },
    );
  });

  it("answers 405 when no upstream offers a GET stream (stateless upstreams)", async () => {
    const org = await seedOrg({ upstreams: [{ namespace: "d", url: `https://${witnessHost()}/json/mcp` }] });
    const client = await connectMcp(org.url(org.agentKeys.main!));
    clients.push(client);
    // The stateless demo upstream gives no session: there is nothing to open, and the SDK client
    // takes the 405 as "no stream" and carries on.
    expect((await client.callTool({ name: "echo", arguments: { text: "x" } })).isError).toBeFalsy();
  });

  it("merges only the upstreams that offer a stream: a stateless one beside a stateful one is left out", async () => {
    const [stateless, stateful] = [witnessHost(), witnessHost()];
    const org = await seedOrg({
      upstreams: [
        { namespace: "plain", url: `https://${stateless}/json/mcp` },
        { namespace: "s", url: `https://${stateful}/stateful/mcp?name=s` },
      ],
    });
    const client = await connectMcp(org.url(org.agentKeys.main!), { capabilities: {} });
    clients.push(client);
    const logs: unknown[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      logs.push(n.params.data);
    });
    await vi.waitFor(async () => expect((await report(stateful)).openGetStreams).toBe(1), {
      timeout: 5_000,
      interval: 50,
    });
    await client.callTool({ name: "s__announce", arguments: {} });
    await vi.waitFor(() => expect(logs).toEqual(["s announces"]), { timeout: 3_000, interval: 20 });
    // The stateless upstream gave no session, so it was never sent a GET.
    expect((await witness(stateless)).requests.filter((r) => r.httpMethod === "GET")).toEqual([]);
  });

  it("answers a retryable 503, not 405, when the upstream's stream exists but cannot be opened now", async () => {
    const host = witnessHost();
    const org = await seedOrg({
      upstreams: [{ namespace: "s", url: `https://${host}/stateful/mcp?name=s` }],
    });
    const url = org.url(org.agentKeys.main!);
    const init = await exports.default.fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: "2025-11-25",
          capabilities: {},
          clientInfo: { name: "raw", version: "1" },
        },
      }),
    });
    const sid = init.headers.get("mcp-session-id")!;
    await init.body?.cancel();
    // Someone already holds the upstream session's one GET stream (the SDK then answers 409).
    const payload = JSON.parse(atob(sid.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as {
      u: Record<string, string>;
    };
    const upstreamSession = Object.values(payload.u)[0]!;
    const held = await fetch(`https://${host}/stateful/mcp`, {
      headers: { accept: "text/event-stream", "mcp-session-id": upstreamSession },
    });
    expect(held.status).toBe(200);
    const res = await exports.default.fetch(url, {
      headers: { accept: "text/event-stream", "mcp-session-id": sid },
    });
    expect(res.status).toBe(503);
    await res.body?.cancel();
    await held.body?.cancel();
  });
});
