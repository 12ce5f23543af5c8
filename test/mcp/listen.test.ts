// subscriptions/listen through the gateway (ADR 0040), as a raw 2026-07-28 client opens it: the
// acknowledgment first, with the honoured subset; only the notifications asked for, each naming the
// subscription; a 2025 upstream's GET stream and subscriptions, a 2026 upstream's own listen; closing
// the client's stream closes every upstream stream and unsubscribes.
import { afterEach, describe, expect, it, vi } from "vitest";
import { MODERN_NOTE_URI } from "../../demo/paid-upstream/modern-catalog";
import { type ListenStream, listen, SUBSCRIPTION_ID } from "../helpers/listen-stream";
import { modernCall } from "../helpers/modern-client";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";

const open: ListenStream[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function opened(url: string, filter: unknown) {
  const s = await listen(url, filter);
  open.push(s);
  return s;
}

async function json(url: string) {
  return (await (await fetch(url)).json()) as Record<string, unknown>;
}

const tagOf = (m: { params?: { _meta?: Record<string, unknown> } } | null) =>
  m?.params?._meta?.[SUBSCRIPTION_ID];

describe("subscriptions/listen, 2025 upstream (GET stream + resources/subscribe)", () => {
  it("acknowledges first with what the upstream took, then relays only what was asked", async () => {
    const host = witnessHost();
    const org = await seedOrg({
      upstreams: [{ namespace: "a", url: `https://${host}/stateful/mcp?name=a` }],
    });
    const url = org.url(org.agentKeys.main!);
    const s = await opened(url, {
      toolsListChanged: true,
      resourceSubscriptions: ["test://a/watched", "test://a/nothing-here", "other://x"],
    });
    expect(s.status).toBe(200);
    const ack = await s.next();
    expect(ack?.method).toBe("notifications/subscriptions/acknowledged");
    expect(tagOf(ack)).toBe(s.id);
    // The upstream refused to subscribe the URIs it does not serve: they are not acknowledged.
    expect(ack?.params?.notifications).toEqual({
      toolsListChanged: true,
      resourceSubscriptions: ["test://a/watched"],
    });
    expect(await json(`https://${host}/_subscriptions`)).toEqual({ subscribed: ["test://a/watched"] });
    // announce sends a resource update, a tools list change and a log on the session's GET stream.
    const called = await modernCall(url, "tools/call", { name: "announce", arguments: {} });
    expect(called.body.result?.isError).toBeFalsy();
    const first = await s.next();
    const second = await s.next();
    expect([first?.method, second?.method]).toEqual([
      "notifications/resources/updated",
      "notifications/tools/list_changed",
    ]);
    expect(first?.params?.uri).toBe("test://a/watched");
    expect([tagOf(first), tagOf(second)]).toEqual([s.id, s.id]);
    // The log (request-scoped, never asked for) did not come: the next message is the next announce's.
    await modernCall(url, "tools/call", { name: "announce", arguments: {} });
    expect((await s.next())?.method).toBe("notifications/resources/updated");
  });

  it("closing the stream closes the upstream GET stream and unsubscribes", async () => {
    const host = witnessHost();
    const org = await seedOrg({
      upstreams: [{ namespace: "a", url: `https://${host}/stateful/mcp?name=a` }],
    });
    const s = await opened(org.url(org.agentKeys.main!), { resourceSubscriptions: ["test://a/watched"] });
    await s.next();
    expect((await json(`https://${host}/_stateful`)).openGetStreams).toBe(1);
    await s.close();
    await vi.waitFor(
      async () => {
        expect((await json(`https://${host}/_stateful`)).openGetStreams).toBe(0);
        expect(await json(`https://${host}/_subscriptions`)).toEqual({ subscribed: [] });
      },
      { timeout: 3_000, interval: 50 },
    );
  });

  it("a second listen of the same agent gets a session of its own, ended with it", async () => {
    const host = witnessHost();
    const org = await seedOrg({
      upstreams: [{ namespace: "a", url: `https://${host}/stateful/mcp?name=a` }],
    });
    const url = org.url(org.agentKeys.main!);
    const one = await opened(url, { resourceSubscriptions: ["test://a/watched"] });
    const two = await opened(url, { resourceSubscriptions: ["test://a/watched"] });
    expect((await one.next())?.params?.notifications).toEqual({
      resourceSubscriptions: ["test://a/watched"],
    });
    expect((await two.next())?.params?.notifications).toEqual({
      resourceSubscriptions: ["test://a/watched"],
    });
    expect(await json(`https://${host}/_stateful`)).toEqual({ sessions: 2, openGetStreams: 2 });
    await one.close();
    await two.close();
    // The gateway's own session for the agent stays; the listen's own is deleted.
    await vi.waitFor(
      async () => {
        expect(await json(`https://${host}/_stateful`)).toEqual({ sessions: 1, openGetStreams: 0 });
        expect(await json(`https://${host}/_subscriptions`)).toEqual({ subscribed: [] });
      },
      { timeout: 3_000, interval: 50 },
    );
  });

  it("a sampling request on the upstream's GET stream is answered with an error, not left hanging", async () => {
    const host = witnessHost();
    const org = await seedOrg({
      upstreams: [{ namespace: "a", url: `https://${host}/stateful/mcp?name=a` }],
    });
    const url = org.url(org.agentKeys.main!);
    const s = await opened(url, { toolsListChanged: true });
    await s.next();
    const started = Date.now();
    const called = await modernCall(url, "tools/call", { name: "ask_sampling", arguments: { prompt: "hi" } });
    // The tool fails at once with the gateway's answer (the upstream timeout is 4 s).
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(JSON.stringify(called.body)).toMatch(/takes no server requests/);
  });
});

describe("subscriptions/listen, 2026 upstream (its own listen)", () => {
  it("relays the upstream's notifications under the client's id and drops its acknowledgment", async () => {
    const host = witnessHost();
    const org = await seedOrg({ upstreams: [{ namespace: "m", url: `https://${host}/modern/mcp` }] });
    const url = org.url(org.agentKeys.main!);
    const s = await opened(url, {
      toolsListChanged: true,
      promptsListChanged: true,
      resourceSubscriptions: [MODERN_NOTE_URI, "other://x"],
    });
    const ack = await s.next();
    expect(ack?.method).toBe("notifications/subscriptions/acknowledged");
    expect(tagOf(ack)).toBe(s.id);
    // The upstream honours no prompts list changes and no foreign URI: neither is acknowledged.
    expect(ack?.params?.notifications).toEqual({
      toolsListChanged: true,
      resourceSubscriptions: [MODERN_NOTE_URI],
    });
    expect((await json(`https://${host}/_modern_listen`)).openListens).toBe(1);
    // A careless upstream sends what was not asked (prompts change, a log, another URI) first.
    await modernCall(url, "tools/call", { name: "modern_touch", arguments: { rude: true } });
    await modernCall(url, "tools/call", { name: "modern_touch", arguments: {} });
    const got = [await s.next(), await s.next(), await s.next(), await s.next()];
    expect(got.map((m) => [m?.method, m?.params?.uri])).toEqual([
      ["notifications/resources/updated", MODERN_NOTE_URI],
      ["notifications/tools/list_changed", undefined],
      ["notifications/resources/updated", MODERN_NOTE_URI],
      ["notifications/tools/list_changed", undefined],
    ]);
    expect(got.map(tagOf)).toEqual([s.id, s.id, s.id, s.id]);
    await s.close();
    await vi.waitFor(async () => expect((await json(`https://${host}/_modern_listen`)).openListens).toBe(0), {
      timeout: 5_000,
      interval: 50,
    });
  });
});

describe("subscriptions/listen across both eras", () => {
  it("each URI goes to the upstream that owns it, and the acknowledgment merges them", async () => {
    const [a, m] = [witnessHost(), witnessHost()];
    const org = await seedOrg({
      upstreams: [
        { namespace: "a", url: `https://${a}/stateful/mcp?name=a` },
        { namespace: "m", url: `https://${m}/modern/mcp` },
      ],
    });
    const url = org.url(org.agentKeys.main!);
    const s = await opened(url, { resourceSubscriptions: [MODERN_NOTE_URI, "test://a/watched"] });
    expect((await s.next())?.params?.notifications).toEqual({
      resourceSubscriptions: [MODERN_NOTE_URI, "test://a/watched"],
    });
    expect(await json(`https://${a}/_subscriptions`)).toEqual({ subscribed: ["test://a/watched"] });
    const listens = (await witness(m)).requests.filter((r) => r.rpcMethod === "subscriptions/listen");
    expect(listens).toHaveLength(1);
    await modernCall(url, "tools/call", { name: "m__modern_touch", arguments: {} });
    expect((await s.next())?.params?.uri).toBe(MODERN_NOTE_URI);
    await modernCall(url, "tools/call", { name: "a__announce", arguments: {} });
    expect((await s.next())?.params?.uri).toBe("test://a/watched");
  });

  it("nothing honoured: acknowledged empty, then ended gracefully", async () => {
    const org = await seedOrg({
      upstreams: [{ namespace: "m", url: `https://${witnessHost()}/modern/mcp` }],
    });
    const s = await opened(org.url(org.agentKeys.main!), { resourceSubscriptions: ["other://x"] });
    expect((await s.next())?.params?.notifications).toEqual({});
    const end = await s.next();
    expect(end).toMatchObject({
      id: s.id,
      result: { resultType: "complete", _meta: { [SUBSCRIPTION_ID]: s.id } },
    });
    expect(await s.next()).toBeNull();
  });
});
