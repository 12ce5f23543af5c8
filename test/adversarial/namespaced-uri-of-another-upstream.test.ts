// Attack: read or subscribe to a resource through a URI Tollgate never listed: a namespaced URI
// naming another org's upstream, or one of this agent's upstreams that does not list it, or a plain
// URI no upstream lists (once broadcast to the first upstream). Each is -32602 before any upstream
// is asked to read it. An upstream listing a URI shaped like Tollgate's namespacing cannot shadow
// another upstream's namespaced URI.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { connectMcp } from "../helpers/mcp-client";
import { seedOrg } from "../helpers/seed";
import { type Witness, witness, witnessHost } from "../helpers/witness";

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function pair(spoofAtA = false) {
  const [a, b] = [witnessHost(), witnessHost()];
  const org = await seedOrg({
    upstreams: [
      {
        namespace: "alpha",
        url: `https://${a}/pages/mcp?label=a${spoofAtA ? "&spoof=1" : ""}`,
        toolPrefix: null,
      },
      { namespace: "beta", url: `https://${b}/pages/mcp?label=b` },
    ],
  });
  const client = await connectMcp(org.url(org.agentKeys.main!));
  clients.push(client);
  return { a, b, client };
}

const touched = (w: Witness) =>
  w.runs.filter((r) => r.tool === "resources/read" || r.tool === "resources/subscribe");

async function refused(p: Promise<unknown>) {
  const e = (await p.catch((x: unknown) => x)) as McpError;
  expect(e.code).toBe(-32602);
}

describe("resource URIs Tollgate did not list", () => {
  it("a namespaced URI naming another org's upstream reaches nobody", async () => {
    await seedOrg({
      upstreams: [{ namespace: "victim", url: `https://${witnessHost()}/pages/mcp?label=v` }],
    });
    const { a, b, client } = await pair();
    await refused(client.readResource({ uri: "tollgate+victim:pages://v/r1" }));
    await refused(client.subscribeResource({ uri: "tollgate+victim:pages://v/r1" }));
    await refused(
      client.complete({
        ref: { type: "ref/resource", uri: "tollgate+victim:pages://v/t/{name}" },
        argument: { name: "name", value: "x" },
      }),
    );
    expect(touched(await witness(a))).toEqual([]);
    expect(touched(await witness(b))).toEqual([]);
  });

  it("a namespaced URI naming an upstream that does not own it is refused", async () => {
    const { a, b, client } = await pair();
    await refused(client.readResource({ uri: "tollgate+alpha:pages://b/r1" }));
    await refused(client.subscribeResource({ uri: "tollgate+beta:pages://a/r2" }));
    await refused(client.readResource({ uri: "tollgate+Alpha:shared://doc" }));
    expect(touched(await witness(a))).toEqual([]);
    expect(touched(await witness(b))).toEqual([]);
  });

  it("a plain URI no upstream lists is not sent to the first upstream", async () => {
    const { a, b, client } = await pair();
    await refused(client.readResource({ uri: "file:///etc/passwd" }));
    await refused(client.subscribeResource({ uri: "secret://anything" }));
    expect(touched(await witness(a))).toEqual([]);
    expect(touched(await witness(b))).toEqual([]);
  });

  it("an upstream's URI shaped like a namespaced one is namespaced again, never shadowing", async () => {
    const { a, client } = await pair(true);
    const listed = [];
    let cursor: string | undefined;
    do {
      const page = await client.listResources(cursor ? { cursor } : {});
      listed.push(...page.resources.map((r) => r.uri));
      cursor = page.nextCursor;
    } while (cursor);
    expect(listed).toContain("tollgate+alpha:tollgate+other:shared://doc");
    expect(listed).not.toContain("tollgate+other:shared://doc");
    const read = await client.readResource({ uri: "tollgate+alpha:tollgate+other:shared://doc" });
    expect(read.contents[0]).toMatchObject({ text: "a serves tollgate+other:shared://doc" });
    // "tollgate+beta:shared://doc" is beta's, whatever alpha lists.
    const twin = await client.readResource({ uri: "tollgate+beta:shared://doc" });
    expect(twin.contents[0]).toMatchObject({ text: "b serves shared://doc" });
    expect(touched(await witness(a)).map((r) => r.args)).toEqual([{ uri: "tollgate+other:shared://doc" }]);
  });

  it("a namespaced spelling of a plain URI is judged under the plain name: it dodges no deny rule", async () => {
    const [paid, other] = [witnessHost(), witnessHost()];
    const org = await seedOrg({
      policy: [
        'version: "1"',
        "tools:",
        '  "resource:demo://reports/*":',
        "    rules:",
        '      - name: "no reports"',
        '        action: "deny"',
        '        on_deny: "Reports are not for agents"',
        "",
      ].join("\n"),
      upstreams: [
        { namespace: "alpha", url: `https://${paid}/json/mcp`, toolPrefix: null },
        { namespace: "beta", url: `https://${other}/pages/mcp?label=b` },
      ],
    });
    const client = await connectMcp(org.url(org.agentKeys.main!));
    clients.push(client);
    for (const uri of ["demo://reports/paid", "tollgate+alpha:demo://reports/paid"]) {
      const e = (await client.readResource({ uri }).catch((x: unknown) => x)) as McpError;
      expect(e.code).toBe(-32010);
      expect(e.message).toMatch(/Reports are not for agents/);
    }
    expect((await witness(paid)).settlements).toEqual([]);
  });
});
