// Two real SDK v1 upstreams whose lists come in pages of two: a merged page asks each unfinished
// upstream for one page with its own cursor; a URI both list is namespaced at the later one, and
// reads and subscriptions go to the URI's owner with the upstream's own URI.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterEach, describe, expect, it } from "vitest";
import { connectMcp } from "../helpers/mcp-client";
import { modernCall } from "../helpers/modern-client";
import { seedOrg } from "../helpers/seed";
import { type Witness, witness, witnessHost } from "../helpers/witness";

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function pagedPair() {
  const [a, b] = [witnessHost(), witnessHost()];
  const org = await seedOrg({
    upstreams: [
      { namespace: "alpha", url: `https://${a}/pages/mcp?label=a`, toolPrefix: null },
      { namespace: "beta", url: `https://${b}/pages/mcp?label=b` },
    ],
  });
  const client = await connectMcp(org.url(org.agentKeys.main!));
  clients.push(client);
  return { client, a, b, org };
}

function runs(w: Witness, tool: string) {
  return w.runs.filter((r) => r.tool === tool).map((r) => r.args);
}

async function walk<T>(first: (cursor?: string) => Promise<{ nextCursor?: string } & T>) {
  const pages: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await first(cursor);
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 10);
  return pages;
}

describe("merged lists with per-upstream cursors", () => {
  it("resources/list: one upstream page per gateway page, each upstream given its own cursor", async () => {
    const { client, a, b } = await pagedPair();
    const pages = await walk((cursor) => client.listResources(cursor ? { cursor } : {}));
    expect(pages.map((p) => p.resources.length)).toEqual([4, 4, 4]);
    const uris = pages.flatMap((p) => p.resources.map((r) => r.uri));
    expect(uris).toContain("pages://a/r5");
    expect(uris).toContain("pages://b/r1");
    // Both list shared://doc: the first upstream keeps it, the second's is namespaced.
    expect(uris.filter((u) => u === "shared://doc")).toHaveLength(1);
    expect(uris).toContain("tollgate+beta:shared://doc");
    expect(pages[0]!.nextCursor).toMatch(/^tgc1\./);
    for (const host of [a, b])
      expect(runs(await witness(host), "cursor:resources/list")).toEqual([
        { cursor: null },
        { cursor: "p2" },
        { cursor: "p4" },
      ]);
  });

  it("templates collide the same way; prompts are prefixed and paged", async () => {
    const { client } = await pagedPair();
    const t = await client.listResourceTemplates();
    expect(t.resourceTemplates.map((x) => x.uriTemplate).sort()).toEqual([
      "pages://a/t/{name}",
      "pages://b/t/{name}",
      "shared://items/{id}",
      "tollgate+beta:shared://items/{id}",
    ]);
    const pages = await walk((cursor) => client.listPrompts(cursor ? { cursor } : {}));
    expect(pages.flatMap((p) => p.prompts.map((x) => x.name))).toEqual([
      "a_1",
      "a_2",
      "beta__b_1",
      "beta__b_2",
      "a_3",
      "beta__b_3",
    ]);
  });

  it("tools/list pages too, with Tollgate's own tools on the first page only", async () => {
    const { client } = await pagedPair();
    const pages = await walk((cursor) => client.listTools(cursor ? { cursor } : {}));
    const names = pages.map((p) => p.tools.map((x) => x.name));
    expect(names[0]!.some((n) => n.startsWith("tollgate_"))).toBe(true);
    expect(
      names
        .slice(1)
        .flat()
        .some((n) => n.startsWith("tollgate_")),
    ).toBe(false);
    expect(names.flat().filter((n) => !n.startsWith("tollgate_"))).toEqual([
      "a_1",
      "a_2",
      "beta__b_1",
      "beta__b_2",
      "a_3",
      "wait",
      "beta__b_3",
      "beta__wait",
    ]);
  });
});

describe("resources by their owner", () => {
  it("reads a shared URI at the first upstream, its namespaced twin at the second with the original URI", async () => {
    const { client, a, b } = await pagedPair();
    await client.listResources();
    const plain = await client.readResource({ uri: "shared://doc" });
    expect(plain.contents[0]).toMatchObject({ text: "a serves shared://doc" });
    const twin = await client.readResource({ uri: "tollgate+beta:shared://doc" });
    expect(twin.contents[0]).toMatchObject({ text: "b serves shared://doc" });
    expect(runs(await witness(a), "resources/read")).toEqual([{ uri: "shared://doc" }]);
    expect(runs(await witness(b), "resources/read")).toEqual([{ uri: "shared://doc" }]);
  });

  it("finds the owner of a URI on a page not listed yet, and of a template's URI", async () => {
    const { client, a, b } = await pagedPair();
    expect((await client.readResource({ uri: "pages://b/r5" })).contents[0]).toMatchObject({
      text: "b serves pages://b/r5",
    });
    expect((await client.readResource({ uri: "pages://b/t/anything" })).contents[0]).toMatchObject({
      text: "b serves pages://b/t/anything",
    });
    expect((await client.readResource({ uri: "shared://items/7" })).contents[0]).toMatchObject({
      text: "a serves shared://items/7",
    });
    expect((await client.readResource({ uri: "tollgate+beta:shared://items/7" })).contents[0]).toMatchObject({
      text: "b serves shared://items/7",
    });
    expect(runs(await witness(a), "resources/read")).toEqual([{ uri: "shared://items/7" }]);
    expect(runs(await witness(b), "resources/read")).toEqual([
      { uri: "pages://b/r5" },
      { uri: "pages://b/t/anything" },
      { uri: "shared://items/7" },
    ]);
  });

  it("listing a first page does not forget a later page's URI read before", async () => {
    const { client, b } = await pagedPair();
    await client.readResource({ uri: "pages://b/r5" });
    await client.listResources();
    expect((await client.readResource({ uri: "pages://b/r5" })).contents[0]).toMatchObject({
      text: "b serves pages://b/r5",
    });
    expect(runs(await witness(b), "resources/read")).toHaveLength(2);
  });

  it("prompts/get finds a prompt on a page not listed yet, and sends the upstream its own name", async () => {
    const { client, a, b } = await pagedPair();
    const got = await client.getPrompt({ name: "beta__b_3" });
    expect(got.messages[0]!.content).toMatchObject({ text: "b:b_3" });
    expect(runs(await witness(b), "prompts/get")).toEqual([{ name: "b_3" }]);
    expect(runs(await witness(a), "prompts/get")).toEqual([]);
  });

  it("subscribe and unsubscribe go to the owner only", async () => {
    const { client, a, b } = await pagedPair();
    await client.subscribeResource({ uri: "tollgate+beta:shared://doc" });
    await client.subscribeResource({ uri: "pages://a/r1" });
    await client.unsubscribeResource({ uri: "tollgate+beta:shared://doc" });
    const [wa, wb] = [await witness(a), await witness(b)];
    expect(runs(wa, "resources/subscribe")).toEqual([{ uri: "pages://a/r1" }]);
    expect(runs(wa, "resources/unsubscribe")).toEqual([]);
    expect(runs(wb, "resources/subscribe")).toEqual([{ uri: "shared://doc" }]);
    expect(runs(wb, "resources/unsubscribe")).toEqual([{ uri: "shared://doc" }]);
  });
});

describe("a 2026-07-28 client", () => {
  it("walks the same merged pages and reads a namespaced URI", async () => {
    const [a, b] = [witnessHost(), witnessHost()];
    const org = await seedOrg({
      upstreams: [
        { namespace: "alpha", url: `https://${a}/pages/mcp?label=a`, toolPrefix: null },
        { namespace: "beta", url: `https://${b}/pages/mcp?label=b` },
      ],
    });
    const url = org.url(org.agentKeys.main!);
    const uris: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 5; i++) {
      const page = await modernCall(url, "resources/list", cursor ? { cursor } : {});
      const result = page.body.result as { resources: { uri: string }[]; nextCursor?: string };
      uris.push(...result.resources.map((r) => r.uri));
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    expect(uris).toHaveLength(12);
    expect(uris).toContain("tollgate+beta:shared://doc");
    const read = await modernCall(url, "resources/read", { uri: "tollgate+beta:shared://doc" });
    expect(read.body.result).toMatchObject({
      resultType: "complete",
      contents: [{ text: "b serves shared://doc" }],
    });
    const forged = await modernCall(url, "resources/list", { cursor: "p2" });
    expect(forged.body.error?.code).toBe(-32602);
  });
});
