// 2025-11-25 resumability through the gateway (ADR 0035): an upstream may close a stream after an
// event id and a `retry:`. A call's stream the gateway resumes itself (GET + Last-Event-ID on the
// same upstream session), so the answer still takes the metered path; the merged GET stream reopens
// the upstream's GET stream the same way; `retry:` and namespaced event ids reach the client.

import { exports } from "cloudflare:workers";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { gatewayEventId, upstreamEventId } from "../../src/mcp/event-ids";
import { encodeEvent, readSse } from "../../src/protocol/sse";
import { connectMcp } from "../helpers/mcp-client";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function statefulClient() {
  const host = witnessHost();
  const org = await seedOrg({ upstreams: [{ namespace: "a", url: `https://${host}/stateful/mcp?name=a` }] });
  const client = await connectMcp(org.url(org.agentKeys.main!), { capabilities: {} });
  clients.push(client);
  await vi.waitFor(
    async () => {
      const r = (await (await fetch(`https://${host}/_stateful`)).json()) as { openGetStreams: number };
      expect(r.openGetStreams).toBe(1);
    },
    { timeout: 5_000, interval: 50 },
  );
  return { client, host, org };
}

function resumingGets(w: Awaited<ReturnType<typeof witness>>) {
  return w.requests.filter((r) => r.httpMethod === "GET" && /last-event-id: /.test(r.headerValues));
}

describe("SSE resumability (SEP-1699)", () => {
  it("a call whose stream the upstream closes before answering is resumed by the gateway", async () => {
    const { client, host } = await statefulClient();
    const result = await client.callTool({ name: "reconnect", arguments: {} });
    expect(result.content).toEqual([{ type: "text", text: "a answered after the resume" }]);
    // The gateway resumed with the upstream's own event id (not the namespaced one the client sees).
    const gets = resumingGets(await witness(host));
    expect(gets.length).toBeGreaterThanOrEqual(1);
    expect(gets[0]!.headerValues).toMatch(/last-event-id: _?[\w-]+::\d+/);
  });

  it("the merged GET stream reopens an upstream's closed GET stream and gets what was sent meanwhile", async () => {
    const { client, host } = await statefulClient();
    const logs: unknown[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      logs.push(n.params.data);
    });
    await client.callTool({ name: "close_get", arguments: {} });
    await vi.waitFor(() => expect(logs).toContain("a after the GET stream closed"), {
      timeout: 3_000,
      interval: 20,
    });
    expect(resumingGets(await witness(host)).length).toBeGreaterThanOrEqual(1);
  });

  it("relays retry: and names each event id by its upstream and stream", async () => {
    const { org } = await statefulClient();
    const url = org.url(org.agentKeys.main!);
    const headers = { "content-type": "application/json", accept: "application/json, text/event-stream" };
    const init = await exports.default.fetch(url, {
      method: "POST",
      headers: { ...headers, "mcp-protocol-version": "2025-11-25" },
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
    const call = await exports.default.fetch(url, {
      method: "POST",
      headers: { ...headers, "mcp-session-id": sid, "mcp-protocol-version": "2025-11-25" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: { name: "announce", arguments: {} },
      }),
    });
    const text = await call.text();
    expect(text).toMatch(/^retry: 50$/m);
    const events = [];
    for await (const e of readSse(new Response(text).body!)) events.push(e);
    const priming = events.find((e) => e.data === "")!;
    expect(priming.retry).toBe(50);
    expect(upstreamEventId(priming.id)).toMatchObject({ kind: "post" });
  });

  it("takes back only event ids it made, with a printable upstream id inside", () => {
    const id = gatewayEventId("get", "ups_1", "s::7");
    expect(upstreamEventId(id)).toEqual({ kind: "get", upstreamId: "ups_1", id: "s::7" });
    for (const bad of [
      gatewayEventId("get", "ups_1", "a\r\nx-evil: 1"),
      gatewayEventId("get", "ups_1", "é"),
      "tge1.x.u.YQ",
    ])
      expect(upstreamEventId(bad), bad).toBeNull();
  });

  it("encodes and reads retry: with its event", async () => {
    const wire = encodeEvent({ event: null, id: "e1", data: "", retry: 250 });
    expect(wire).toBe("id: e1\nretry: 250\ndata: \n\n");
    const read = [];
    for await (const e of readSse(new Response(`${wire}data: {}\n\n`).body!)) read.push(e);
    expect(read).toEqual([
      { event: null, id: "e1", data: "", retry: 250 },
      { event: null, id: null, data: "{}" },
    ]);
  });

  it("a client's GET with a GET-stream Last-Event-ID resumes that upstream's stream; a call-stream id is 405", async () => {
    const host = witnessHost();
    const org = await seedOrg({
      upstreams: [{ namespace: "a", url: `https://${host}/stateful/mcp?name=a` }],
    });
    const url = org.url(org.agentKeys.main!);
    const v = { "mcp-protocol-version": "2025-11-25" };
    const post = (sid: string | null, body: unknown) =>
      exports.default.fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...v,
          ...(sid ? { "mcp-session-id": sid } : {}),
        },
        body: JSON.stringify(body),
      });
    const init = await post(null, {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
    });
    const sid = init.headers.get("mcp-session-id")!;
    await init.body?.cancel();
    const get = (lastEventId?: string, signal?: AbortSignal) =>
      exports.default.fetch(url, {
        method: "GET",
        signal,
        headers: {
          accept: "text/event-stream",
          "mcp-session-id": sid,
          ...v,
          ...(lastEventId ? { "last-event-id": lastEventId } : {}),
        },
      });
    const announce = async (id: number) =>
      (
        await post(sid, {
          jsonrpc: "2.0",
          id,
          method: "tools/call",
          params: { name: "announce", arguments: {} },
        })
      ).text();
    /** Reads `res` until an event's data contains `needle`; answers that event's id. */
    const readUntil = async (res: Response, needle: string) => {
      for await (const e of readSse(res.body!)) if (e.data.includes(needle)) return e.id;
      return null;
    };

    // readSse holds the body: the client leaves by aborting its request.
    const leave = new AbortController();
    const first = await get(undefined, leave.signal);
    expect(first.status).toBe(200);
    await announce(2);
    const seen = await readUntil(first, "a announces");
    expect(upstreamEventId(seen)).toMatchObject({ kind: "get" });
    leave.abort();
    await vi.waitFor(async () => {
      const r = (await (await fetch(`https://${host}/_stateful`)).json()) as { openGetStreams: number };
      expect(r.openGetStreams).toBe(0);
    });
    await announce(3); // sent while no GET stream is open: kept by the upstream for replay
    const resumed = await get(seen!);
    expect(resumed.status).toBe(200);
    expect(await readUntil(resumed, "a announces")).not.toBeNull();
    await resumed.body?.cancel().catch(() => undefined);
    const upstreamId = upstreamEventId(seen)!.upstreamId;
    const raw = upstreamEventId(seen)!.id;
    expect((await witness(host)).requests.some((r) => r.headerValues.includes(`last-event-id: ${raw}`))).toBe(
      true,
    );

    for (const id of [gatewayEventId("post", upstreamId, raw), "not-ours", `tge1.g.${upstreamId}.%%%`]) {
      const refused = await get(id);
      expect(refused.status, id).toBe(405);
      await refused.body?.cancel();
    }
  });
});
