// A hostile agent's subscriptions/listen (ADR 0040): a huge or malformed filter, a flood of streams,
// another org's or agent's resources and notifications, a listen without the 2026 headers or sent
// by a 2025 client. Each is refused before the upstream sees anything, or reaches only this agent's
// upstreams on this agent's sessions.

import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { WIDEN_URI } from "../../demo/paid-upstream/modern-listen";
import { MAX_LISTEN_STREAMS_PER_AGENT } from "../../src/mcp/listen-slots";
import { type ListenStream, listen, SUBSCRIPTION_ID } from "../helpers/listen-stream";
import { connectMcp } from "../helpers/mcp-client";
import { modernCall } from "../helpers/modern-client";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";

const open: ListenStream[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function opened(url: string, filter: unknown, opts = {}) {
  const s = await listen(url, filter, opts);
  open.push(s);
  return s;
}

async function modernOrg() {
  const host = witnessHost();
  const org = await seedOrg({ upstreams: [{ namespace: "m", url: `https://${host}/modern/mcp` }] });
  return { host, url: org.url(org.agentKeys.main!) };
}

async function requestsSeen(host: string) {
  return (await witness(host)).requests.length;
}

describe("a listen's filter, hostile", () => {
  const huge = Array.from({ length: 101 }, (_, i) => `modern://notes/${i}`);
  it.each([
    ["101 URIs", { resourceSubscriptions: huge }],
    ["a URI of 2049 characters", { resourceSubscriptions: [`modern://${"x".repeat(2040)}`] }],
    ["an unknown filter key", { everything: true }],
    ["a flag that is not a boolean", { toolsListChanged: "yes" }],
    ["URIs that are not strings", { resourceSubscriptions: [{ uri: "modern://notes/today" }] }],
    ["no filter at all", undefined],
  ])("%s is refused with -32602 before any upstream is asked", async (_name, filter) => {
    const { host, url } = await modernOrg();
    const s = await opened(url, filter);
    expect(s.refusal?.error?.code).toBe(-32602);
    expect(await requestsSeen(host)).toBe(0);
  });

  it("no Accept: text/event-stream is refused before any upstream is asked", async () => {
    const { host, url } = await modernOrg();
    const s = await opened(url, { toolsListChanged: true }, { headers: { accept: "application/json" } });
    expect(s.status).toBe(406);
    expect(await requestsSeen(host)).toBe(0);
  });

  it("without the 2026 headers (Mcp-Method) it is a header mismatch, not a stream", async () => {
    const { host, url } = await modernOrg();
    const s = await opened(url, { toolsListChanged: true }, { headers: { "mcp-method": null } });
    expect(s.status).toBe(400);
    expect(s.refusal?.error?.code).toBe(-32020);
    expect(await requestsSeen(host)).toBe(0);
  });
});

describe("a flood of listen streams", () => {
  it(`the ${MAX_LISTEN_STREAMS_PER_AGENT + 1}th open stream of one agent is refused (429) before the upstream sees it`, async () => {
    const { host, url } = await modernOrg();
    for (let i = 0; i < MAX_LISTEN_STREAMS_PER_AGENT; i++) {
      const s = await opened(url, { toolsListChanged: true });
      expect((await s.next())?.method).toBe("notifications/subscriptions/acknowledged");
    }
    const listensSeen = async () =>
      (await witness(host)).requests.filter((r) => r.rpcMethod === "subscriptions/listen").length;
    expect(await listensSeen()).toBe(MAX_LISTEN_STREAMS_PER_AGENT);
    const refused = await opened(url, { toolsListChanged: true });
    expect(refused.status).toBe(429);
    expect(refused.refusal?.error?.code).toBe(-32600);
    expect(await listensSeen()).toBe(MAX_LISTEN_STREAMS_PER_AGENT);
    // Closing them frees the slots and every upstream stream.
    await Promise.all(open.splice(0).map((s) => s.close()));
    await vi.waitFor(
      async () => {
        const report = (await (await fetch(`https://${host}/_modern_listen`)).json()) as {
          openListens: number;
        };
        expect(report.openListens).toBe(0);
      },
      { timeout: 3_000, interval: 50 },
    );
    const again = await opened(url, { toolsListChanged: true });
    expect(again.status).toBe(200);
  });
});

describe("another org's or agent's resources", () => {
  it("a listen for another org's URI never reaches that org's upstream", async () => {
    const [a, b] = [witnessHost(), witnessHost()];
    const orgA = await seedOrg({ upstreams: [{ namespace: "a", url: `https://${a}/stateful/mcp?name=a` }] });
    const orgB = await seedOrg({ upstreams: [{ namespace: "b", url: `https://${b}/stateful/mcp?name=b` }] });
    const mine = await opened(orgA.url(orgA.agentKeys.main!), {
      resourceSubscriptions: ["test://a/watched"],
    });
    await mine.next();
    const seenByA = await requestsSeen(a);
    const thief = await opened(orgB.url(orgB.agentKeys.main!), {
      toolsListChanged: true,
      resourceSubscriptions: ["test://a/watched"],
    });
    // B's own upstream refused the URI; A's upstream was never asked.
    expect((await thief.next())?.params?.notifications).toEqual({ toolsListChanged: true });
    expect(await requestsSeen(a)).toBe(seenByA);
    // A's resource changes: A's listen hears it, B's does not (its next message is B's own upstream's).
    await modernCall(orgA.url(orgA.agentKeys.main!), "tools/call", { name: "announce", arguments: {} });
    expect((await mine.next())?.params?.uri).toBe("test://a/watched");
    await modernCall(orgB.url(orgB.agentKeys.main!), "tools/call", { name: "announce", arguments: {} });
    const next = await thief.next();
    expect(next?.method).toBe("notifications/tools/list_changed");
    expect(next?.params?._meta?.[SUBSCRIPTION_ID]).toBe(thief.id);
  });

  it("another agent's notifications (its own upstream session) never reach my listen", async () => {
    const host = witnessHost();
    const org = await seedOrg({
      agents: [{ name: "main", isDefault: true }, { name: "other" }],
      upstreams: [{ namespace: "a", url: `https://${host}/stateful/mcp?name=a` }],
    });
    const mine = org.url(org.agentKeys.main!);
    const s = await opened(mine, { toolsListChanged: true, resourceSubscriptions: ["test://a/watched"] });
    await s.next();
    // The other agent's announce goes out on its own session's GET stream, which nobody holds ...
    await modernCall(org.url(org.agentKeys.other!), "tools/call", { name: "announce", arguments: {} });
    // ... mine on mine; then close_get ends my upstream stream, which ends the listen gracefully.
    await modernCall(mine, "tools/call", { name: "announce", arguments: {} });
    await modernCall(mine, "tools/call", { name: "close_get", arguments: {} });
    const got = [await s.next(), await s.next(), await s.next()];
    expect(got.map((m) => m?.method ?? (m?.result ? "result" : null))).toEqual([
      "notifications/resources/updated",
      "notifications/tools/list_changed",
      "result",
    ]);
    expect(await s.next()).toBeNull();
  });
});

describe("a greedy 2026 upstream", () => {
  it("acknowledging more than it was asked widens nothing: the extra types never reach the client", async () => {
    const { url } = await modernOrg();
    const s = await opened(url, { resourceSubscriptions: [WIDEN_URI] });
    // The upstream acknowledged toolsListChanged and another URI too; the client is told what it asked.
    expect((await s.next())?.params?.notifications).toEqual({ resourceSubscriptions: [WIDEN_URI] });
    // Each touch sends an update per URI it acknowledged and a tools list change: only ours come.
    await modernCall(url, "tools/call", { name: "modern_touch", arguments: {} });
    await modernCall(url, "tools/call", { name: "modern_touch", arguments: {} });
    const got = [await s.next(), await s.next()];
    expect(got.map((m) => [m?.method, m?.params?.uri])).toEqual([
      ["notifications/resources/updated", WIDEN_URI],
      ["notifications/resources/updated", WIDEN_URI],
    ]);
  });
});

describe("subscriptions/listen from a 2025 client", () => {
  it("is not a 2025 method: -32601 at the gateway, never forwarded (not even to a 2026 upstream)", async () => {
    const { host, url } = await modernOrg();
    const client = await connectMcp(url);
    try {
      await expect(
        client.request(
          { method: "subscriptions/listen", params: { notifications: { toolsListChanged: true } } },
          z.object({}).passthrough(),
        ),
      ).rejects.toMatchObject({ code: -32601 });
    } finally {
      await client.close();
    }
    const methods = (await witness(host)).requests.map((r) => r.rpcMethod);
    expect(methods).not.toContain("subscriptions/listen");
  });
});
