// Attack: the agent writes its own cursor for a merged list, to make Tollgate send an upstream a
// cursor of its choosing, list another org's upstream, or reuse one agent's cursor as another. A
// merged cursor is signed and bound to org, agent and method: anything else is -32602 and no
// upstream is asked anything.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { base64url, fromBase64url, utf8 } from "../../src/auth/encoding";
import { connectMcp } from "../helpers/mcp-client";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function pair(agents = [{ name: "main", isDefault: true }]) {
  const [a, b] = [witnessHost(), witnessHost()];
  const org = await seedOrg({
    agents,
    upstreams: [
      { namespace: "alpha", url: `https://${a}/pages/mcp?label=a`, toolPrefix: null },
      { namespace: "beta", url: `https://${b}/pages/mcp?label=b` },
    ],
  });
  const connect = async (agent = "main") => {
    const c = await connectMcp(org.url(org.agentKeys[agent]!));
    clients.push(c);
    return c;
  };
  return { a, b, org, connect };
}

async function listCalls(host: string): Promise<number> {
  return (await witness(host)).runs.filter((r) => r.tool === "cursor:resources/list").length;
}

async function refused(p: Promise<unknown>): Promise<McpError> {
  const e = (await p.catch((x: unknown) => x)) as McpError;
  expect(e.code).toBe(-32602);
  expect(e.message).toMatch(/Invalid cursor/);
  return e;
}

/** The cursor with its payload edited and the old signature kept. */
function tampered(cursor: string, edit: (p: Record<string, unknown>) => void): string {
  const [body, sig] = cursor.slice("tgc1.".length).split(".");
  const payload = JSON.parse(utf8.decode(fromBase64url(body!)!)) as Record<string, unknown>;
  edit(payload);
  return `tgc1.${base64url(utf8.encode(JSON.stringify(payload)))}.${sig}`;
}

describe("a forged merged-list cursor", () => {
  it("an upstream's own cursor, or any string, is refused before any upstream is asked", async () => {
    const { a, b, connect } = await pair();
    const client = await connect();
    for (const cursor of ["p2", "tgc1.", "tgc1.e30.AAAA", "x".repeat(70_000)])
      await refused(client.listResources({ cursor }));
    expect(await listCalls(a)).toBe(0);
    expect(await listCalls(b)).toBe(0);
  });

  it("an edited cursor (another upstream cursor, another upstream id) fails its signature", async () => {
    const { a, b, connect } = await pair();
    const client = await connect();
    const first = await client.listResources();
    const other = await seedOrg({
      upstreams: [{ namespace: "victim", url: `https://${witnessHost()}/pages/mcp` }],
    });
    for (const edit of [
      (p: Record<string, unknown>) => {
        p.u = { ...(p.u as object), [Object.keys(p.u as object)[0]!]: "../../admin" };
      },
      (p: Record<string, unknown>) => {
        p.u = { [`upstream-of-${other.orgId}`]: "p0" };
      },
      (p: Record<string, unknown>) => {
        p.x = Date.now() + 10 ** 9;
      },
    ])
      await refused(client.listResources({ cursor: tampered(first.nextCursor!, edit) }));
    expect(await listCalls(a)).toBe(1);
    expect(await listCalls(b)).toBe(1);
  });

  it("a cursor is bound to its agent and its method", async () => {
    const { connect } = await pair([
      { name: "main", isDefault: true },
      { name: "other", isDefault: false },
    ]);
    const main = await connect("main");
    const other = await connect("other");
    const cursor = (await main.listResources()).nextCursor!;
    await refused(other.listResources({ cursor }));
    await refused(main.listPrompts({ cursor }));
    await refused(main.listTools({ cursor }));
    // The genuine use still works.
    expect((await main.listResources({ cursor })).resources).toHaveLength(4);
  });

  it("a cursor from another org's gateway session is refused", async () => {
    const first = await pair();
    const second = await pair();
    const cursor = (await (await first.connect()).listResources()).nextCursor!;
    await refused((await second.connect()).listResources({ cursor }));
    expect(await listCalls(second.a)).toBe(0);
  });
});
