// Attack: two upstreams both make the exposed name "paid_echo": the unprefixed one lists a tool named
// paid_echo, the other has prefix "paid_" and a tool named echo. The name must not be listed, and a call
// of it must be refused rather than sent to whichever upstream the gateway happens to try first.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { connectMcp } from "../helpers/mcp-client";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function setup() {
  const bare = witnessHost();
  const prefixed = witnessHost();
  const org = await seedOrg({
    upstreams: [
      { namespace: "main", url: `https://${bare}/mcp`, toolPrefix: null },
      { namespace: "extra", url: `https://${prefixed}/json/mcp`, toolPrefix: "paid_" },
    ],
  });
  const client = await connectMcp(org.url(org.agentKeys.main!));
  clients.push(client);
  return { client, bare, prefixed };
}

async function calls(host: string) {
  return (await witness(host)).requests.filter((r) => r.rpcMethod === "tools/call");
}

async function refused(client: Client) {
  const err = await client.callTool({ name: "paid_echo", arguments: { text: "x" } }).catch((e) => e);
  expect(err).toBeInstanceOf(McpError);
  expect((err as McpError).code).toBe(-32602);
  expect((err as McpError).message).toContain("paid_echo");
}

describe("a tool name two upstreams could serve", () => {
  it("is left out of tools/list, while both upstreams' other tools stay", async () => {
    const { client } = await setup();
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).not.toContain("paid_echo");
    expect(names).toEqual(
      expect.arrayContaining(["echo", "generate_image", "paid_get_time", "paid_paid_echo"]),
    );
    expect(new Set(names).size).toBe(names.length);
  });

  it("is refused in tools/call after tools/list, reaching neither upstream", async () => {
    const { client, bare, prefixed } = await setup();
    await client.listTools();
    await refused(client);
    expect(await calls(bare)).toEqual([]);
    expect(await calls(prefixed)).toEqual([]);
    const ok = await client.callTool({ name: "paid_get_time", arguments: {} });
    expect(ok.isError).toBeFalsy();
  });

  // Without a tools/list first, only dispatch's refuseAmbiguousCall() pre-check can know the
  // unprefixed upstream lists paid_echo.
  it("is refused in tools/call without a tools/list first, reaching neither upstream", async () => {
    const { client, bare, prefixed } = await setup();
    await refused(client);
    expect(await calls(bare)).toEqual([]);
    expect(await calls(prefixed)).toEqual([]);
  });
});
