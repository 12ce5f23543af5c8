// Attack surface: the 2025 GET stream (ADR 0035). A hostile agent opens it without a session, with
// another agent's or another org's session, with a forged one, or floods it; each is refused before
// any upstream sees a GET. And a server request relayed to one session (on its GET stream or on a
// call's stream) cannot be answered from another session: its id is bound to the session that got
// it, so another session's answer is refused by the gateway and never reaches the upstream.
import { exports } from "cloudflare:workers";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { CreateMessageRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  acquireGetSlot,
  MAX_GET_STREAMS_PER_AGENT,
  MAX_GET_STREAMS_PER_SESSION,
} from "../../src/mcp/get-stream-slots";
import { connectMcp } from "../helpers/mcp-client";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";

const clients: Client[] = [];
const open: Response[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.body?.cancel()));
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

const JSON_AND_SSE = { "content-type": "application/json", accept: "application/json, text/event-stream" };

async function initialize(url: string): Promise<string> {
  const res = await exports.default.fetch(url, {
    method: "POST",
    headers: JSON_AND_SSE,
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
    }),
  });
  await res.body?.cancel();
  return res.headers.get("mcp-session-id")!;
}

function get(url: string, session?: string): Promise<Response> {
  return exports.default.fetch(url, {
    method: "GET",
    headers: { accept: "text/event-stream", ...(session ? { "mcp-session-id": session } : {}) },
  });
}

async function upstreamGets(host: string): Promise<number> {
  return (await witness(host)).requests.filter((r) => r.httpMethod === "GET").length;
}

async function twoAgents() {
  const host = witnessHost();
  const org = await seedOrg({
    agents: [{ name: "main", isDefault: true }, { name: "other" }],
    upstreams: [{ namespace: "s", url: `https://${host}/stateful/mcp?name=s` }],
  });
  return { host, org, main: org.url(org.agentKeys.main!), other: org.url(org.agentKeys.other!) };
}

describe("a hostile agent's GET streams", () => {
  it("without a session, with another agent's or org's session, or a forged one: refused, no upstream GET", async () => {
    const { host, main, other } = await twoAgents();
    const elsewhere = await twoAgents();
    const mine = await initialize(main);
    const foreignOrg = await initialize(elsewhere.main);
    const [body, sig] = mine.slice("tgs1.".length).split(".");
    const forged = `tgs1.${body}.${sig!.slice(0, -2)}AA`;
    const answers = {
      none: (await get(main)).status,
      otherAgentsSession: (await get(other, mine)).status,
      otherOrgsSession: (await get(main, foreignOrg)).status,
      forged: (await get(main, forged)).status,
    };
    const notSse = await exports.default.fetch(main, {
      method: "GET",
      headers: { accept: "application/json", "mcp-session-id": mine },
    });
    expect({ ...answers, notSse: notSse.status }).toEqual({
      none: 400,
      otherAgentsSession: 404,
      otherOrgsSession: 404,
      forged: 404,
      notSse: 406,
    });
    expect(await upstreamGets(host)).toBe(0);
    expect(await upstreamGets(elsewhere.host)).toBe(0);
  });

  it("a second GET stream on the same session is refused (409) before the upstream sees it", async () => {
    const { host, main } = await twoAgents();
    const session = await initialize(main);
    const first = await get(main, session);
    open.push(first);
    expect(first.status).toBe(200);
    const flood = await Promise.all([get(main, session), get(main, session), get(main, session)]);
    expect(flood.map((r) => r.status)).toEqual([409, 409, 409]);
    expect(await upstreamGets(host)).toBe(1);
    // Closing the stream gives the slot back.
    await first.body?.cancel();
    open.splice(0);
    await vi.waitFor(async () => {
      const again = await get(main, session);
      open.push(again);
      expect(again.status).toBe(200);
    });
  });

  it("caps GET streams per session and per agent", () => {
    const agent = `agt_${crypto.randomUUID()}`;
    const held = [];
    for (let i = 0; i < MAX_GET_STREAMS_PER_AGENT; i++) {
      const slot = acquireGetSlot("org_x", agent, `n-${i}`);
      expect(slot.ok).toBe(true);
      held.push(slot);
    }
    expect(acquireGetSlot("org_x", agent, "n-extra")).toMatchObject({ ok: false, status: 429 });
    expect(acquireGetSlot("org_x", agent, "n-0")).toMatchObject({ ok: false, status: 409 });
    expect(MAX_GET_STREAMS_PER_SESSION).toBe(1);
    // Another agent of the same org is counted apart.
    const elsewhere = acquireGetSlot("org_x", `${agent}-2`, "n-0");
    expect(elsewhere.ok).toBe(true);
    for (const s of [...held, elsewhere]) if (s.ok) s.release();
    expect(acquireGetSlot("org_x", agent, "n-extra").ok).toBe(true);
  });

  it("another agent answering a sampling request relayed on my GET stream is refused before the upstream", async () => {
    const { host, main, other } = await twoAgents();
    const client = await connectMcp(main, { capabilities: { sampling: {} } });
    clients.push(client);
    await vi.waitFor(async () => {
      const r = (await (await fetch(`https://${host}/_stateful`)).json()) as { openGetStreams: number };
      expect(r.openGetStreams).toBe(1);
    });
    let relayedId = "";
    let asked: () => void = () => undefined;
    const wasAsked = new Promise<void>((r) => {
      asked = r;
    });
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => {
      release = r;
    });
    client.setRequestHandler(CreateMessageRequestSchema, async (_req, extra) => {
      relayedId = String(extra.requestId);
      asked();
      await released;
      return { role: "assistant", model: "m", content: { type: "text", text: "genuine" } };
    });
    const call = client.callTool({ name: "ask_sampling", arguments: { prompt: "p" } });
    await wasAsked;
    // The other agent, on its own session, answers my relayed id first.
    const theirs = await initialize(other);
    const forged = await exports.default.fetch(other, {
      method: "POST",
      headers: { ...JSON_AND_SSE, "mcp-session-id": theirs },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: relayedId,
        result: { role: "assistant", model: "m", content: { type: "text", text: "forged" } },
      }),
    });
    expect(forged.status).toBe(400);
    await forged.body?.cancel();
    // Even with my own org and agent, a session other than the one that got the request is refused.
    const mySecond = await initialize(main);
    const sibling = await exports.default.fetch(main, {
      method: "POST",
      headers: { ...JSON_AND_SSE, "mcp-session-id": mySecond },
      body: JSON.stringify({ jsonrpc: "2.0", id: relayedId, result: { action: "decline" } }),
    });
    expect(sibling.status).toBe(400);
    await sibling.body?.cancel();
    release();
    expect((await call).content).toEqual([{ type: "text", text: "s sampled: genuine" }]);
    const answers = (await witness(host)).requests.filter(
      (r) => r.httpMethod === "POST" && r.rpcMethod === null,
    );
    expect(answers).toHaveLength(1);
  });

  it("the same holds for a server request relayed on a call's own stream", async () => {
    const { host, main, other } = await twoAgents();
    const client = await connectMcp(main, { capabilities: { sampling: {} } });
    clients.push(client);
    let relayedId = "";
    let asked: () => void = () => undefined;
    const wasAsked = new Promise<void>((r) => {
      asked = r;
    });
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => {
      release = r;
    });
    client.setRequestHandler(CreateMessageRequestSchema, async (_req, extra) => {
      relayedId = String(extra.requestId);
      asked();
      await released;
      return { role: "assistant", model: "m", content: { type: "text", text: "genuine" } };
    });
    const call = client.callTool({ name: "ask_sampling_inline", arguments: {} });
    await wasAsked;
    const theirs = await initialize(other);
    const forged = await exports.default.fetch(other, {
      method: "POST",
      headers: { ...JSON_AND_SSE, "mcp-session-id": theirs },
      body: JSON.stringify({ jsonrpc: "2.0", id: relayedId, result: { action: "decline" } }),
    });
    expect(forged.status).toBe(400);
    await forged.body?.cancel();
    release();
    expect((await call).content).toEqual([{ type: "text", text: "s sampled inline: genuine" }]);
    const answers = (await witness(host)).requests.filter(
      (r) => r.httpMethod === "POST" && r.rpcMethod === null,
    );
    expect(answers).toHaveLength(1);
  });
});
