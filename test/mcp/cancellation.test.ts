// A client's notifications/cancelled goes to the upstream serving the request it names, and only
// there, whichever isolate it lands on (the route is noted per session in a Durable Object); a
// client's progress on a server request goes to the upstream that asked. The real SDK v1 client
// sends the cancellation itself when its call is aborted.
import { env, exports } from "cloudflare:workers";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterEach, describe, expect, it } from "vitest";
import { gatewayRequestId, relayFrom, upstreamProgressToken } from "../../src/mcp/server-requests";
import { connectMcp } from "../helpers/mcp-client";
import { seedOrg } from "../helpers/seed";
import { type Witness, witness, witnessHost } from "../helpers/witness";

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function pair() {
  const [a, b] = [witnessHost(), witnessHost()];
  const org = await seedOrg({
    upstreams: [
      { namespace: "alpha", url: `https://${a}/pages/mcp?label=a`, toolPrefix: null },
      { namespace: "beta", url: `https://${b}/pages/mcp?label=b` },
    ],
  });
  const url = org.url(org.agentKeys.main!);
  const client = await connectMcp(url);
  clients.push(client);
  const session = (client.transport as unknown as { sessionId?: string }).sessionId ?? "";
  return { a, b, org, url, client, session };
}

const runsOf = (w: Witness, tool: string) => w.runs.filter((r) => r.tool === tool).map((r) => r.args);

/** Bounded wait for something the upstream records after the client's call has returned. */
async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  let v = await read();
  for (let i = 0; i < 40 && !done(v); i++) {
    await new Promise((r) => setTimeout(r, 50));
    v = await read();
  }
  return v;
}

function post(url: string, session: string, body: unknown, signal?: AbortSignal) {
  return exports.default.fetch(url, {
    method: "POST",
    ...(signal ? { signal } : {}),
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-session-id": session,
      "mcp-protocol-version": "2025-11-25",
    },
    body: JSON.stringify(body),
  });
}

describe("cancellation with several upstreams", () => {
  it("the SDK client's cancel reaches the upstream serving the call, and no other", async () => {
    const { a, b, client } = await pair();
    const abort = new AbortController();
    const call = client
      .callTool({ name: "beta__wait", arguments: { ms: 2000 } }, undefined, {
        signal: abort.signal,
        onprogress: () => abort.abort("user gave up"),
      })
      .catch((e: unknown) => e);
    expect(await call).toBeInstanceOf(Error);
    const wb = await eventually(
      () => witness(b),
      (w) => runsOf(w, "notifications/cancelled").length > 0,
    );
    const [ran] = runsOf(wb, "tool:wait") as { requestId: number }[];
    expect(runsOf(wb, "notifications/cancelled")).toEqual([
      { requestId: ran!.requestId, reason: "user gave up" },
    ]);
    expect(runsOf(await witness(a), "notifications/cancelled")).toEqual([]);
  });

  it("a cancel posted on its own (as from another isolate) is routed by the session's noted route", async () => {
    const { a, b, url, session } = await pair();
    const abort = new AbortController();
    const call = post(
      url,
      session,
      {
        jsonrpc: "2.0",
        id: "long-1",
        method: "tools/call",
        params: { name: "wait", arguments: { ms: 1500 } },
      },
      abort.signal,
    ).catch(() => null);
    await eventually(
      () => witness(a),
      (w) => runsOf(w, "tool:wait").length > 0,
    );
    const res = await post(url, session, {
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId: "long-1", reason: "stop", _meta: { smuggled: true }, extra: "x".repeat(100) },
    });
    expect(res.status).toBe(202);
    abort.abort();
    await call;
    const wa = await eventually(
      () => witness(a),
      (w) => runsOf(w, "notifications/cancelled").length > 0,
    );
    // Rebuilt from its known fields: nothing else the client put in it reaches the upstream.
    expect(runsOf(wa, "notifications/cancelled")).toEqual([{ requestId: "long-1", reason: "stop" }]);
    expect(runsOf(await witness(b), "notifications/cancelled")).toEqual([]);
  });

  it("a cancel that arrives before its request was noted is sent on when the note lands", async () => {
    const stub = env.REQUEST_ROUTES.getByName(`test-${crypto.randomUUID()}`);
    // Real time: the object's alarm prunes by the clock, so a made-up past would be pruned at once.
    const t = Date.now();
    expect(await stub.cancel('"early"', "too quick", t)).toBeNull();
    expect(await stub.note('"early"', "ups_1", t + 1)).toEqual({ cancelled: true, reason: "too quick" });
    expect(await stub.note('"other"', "ups_1", t + 2)).toEqual({ cancelled: false });
    expect(await stub.cancel('"other"', null, t + 3)).toBe("ups_1");
  });
});

describe("progress and cancellation of server requests", () => {
  it("a server request's progress token names its upstream; the client's progress goes back there only", async () => {
    const { a, b, url, session, org } = await pair();
    const events: string[] = [];
    const upstreamB = (await env.DB.prepare(
      "SELECT id FROM upstreams WHERE org_id = ? AND namespace = 'beta'",
    )
      .bind(org.orgId)
      .first<{ id: string }>())!.id;
    relayFrom(upstreamB, (e) => events.push(e.data))({
      event: "message",
      id: null,
      data: JSON.stringify({
        jsonrpc: "2.0",
        id: 5,
        method: "sampling/createMessage",
        params: { messages: [], maxTokens: 1, _meta: { progressToken: "tok-9" } },
      }),
    });
    const relayed = JSON.parse(events[0]!) as { id: string; params: { _meta: { progressToken: string } } };
    expect(relayed.id).toBe(gatewayRequestId(upstreamB, 5));
    const token = relayed.params._meta.progressToken;
    expect(upstreamProgressToken(token)).toEqual({ upstreamId: upstreamB, id: "tok-9" });
    const sent = await post(url, session, {
      jsonrpc: "2.0",
      method: "notifications/progress",
      params: { progressToken: token, progress: 1, total: 3 },
    });
    expect(sent.status).toBe(202);
    // A token the gateway never handed out goes nowhere.
    await post(url, session, {
      jsonrpc: "2.0",
      method: "notifications/progress",
      params: { progressToken: "tok-9", progress: 2 },
    });
    expect(runsOf(await witness(b), "notifications/progress")).toEqual([
      { progressToken: "tok-9", progress: 1, total: 3 },
    ]);
    expect(runsOf(await witness(a), "notifications/progress")).toEqual([]);
  });

  it("an upstream cancelling its own server request names it as the client knows it", () => {
    const events: string[] = [];
    relayFrom("ups_x", (e) => events.push(e.data))({
      event: "message",
      id: null,
      data: JSON.stringify({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 5 } }),
    });
    expect(JSON.parse(events[0]!)).toEqual({
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId: gatewayRequestId("ups_x", 5) },
    });
  });
});
