// With two upstreams, resources and prompts go to the upstream that listed them, never the first by
// default; lists are merged (prompt names prefixed like tools). The paid resource and prompt still
// take the metered path at their owner.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { connectMcp } from "../helpers/mcp-client";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function twoUpstreams() {
  const [first, owner] = [witnessHost(), witnessHost()];
  const org = await seedOrg({
    upstreams: [
      { namespace: "x", url: `https://${first}/x402/mcp` },
      { namespace: "demo", url: `https://${owner}/json/mcp` },
    ],
  });
  const client = await connectMcp(org.url(org.agentKeys.main!));
  clients.push(client);
  return { client, first, owner };
}

function methodsSeen(w: { requests: { rpcMethod: string | null }[] }) {
  return w.requests.map((r) => r.rpcMethod);
}

describe("resources and prompts with several upstreams", () => {
  it("lists are merged; prompt names carry the owner's prefix", async () => {
    const { client } = await twoUpstreams();
    const prompts = await client.listPrompts();
    expect(prompts.prompts.map((p) => p.name)).toContain("demo__paid_prompt");
    const resources = await client.listResources();
    expect(resources.resources.map((r) => r.uri)).toContain("demo://reports/paid");
  });

  it("resources/read and prompts/get go to the owner only (and are still metered there)", async () => {
    const { client, first, owner } = await twoUpstreams();
    const read = await client.readResource({ uri: "demo://reports/paid" }).catch((e: unknown) => e);
    expect((read as McpError).code).toBe(-32042);
    const prompt = await client
      .getPrompt({ name: "demo__paid_prompt", arguments: { topic: "tolls" } })
      .catch((e: unknown) => e);
    expect((prompt as McpError).code).toBe(-32042);
    expect(methodsSeen(await witness(owner))).toEqual(
      expect.arrayContaining(["resources/read", "prompts/get"]),
    );
    const atFirst = methodsSeen(await witness(first));
    expect(atFirst).not.toContain("resources/read");
    expect(atFirst).not.toContain("prompts/get");
  });

  it("an unknown prompt name is refused without reaching any upstream's prompts/get", async () => {
    const { client, first, owner } = await twoUpstreams();
    const e = await client.getPrompt({ name: "nobody__prompt" }).catch((x: unknown) => x);
    expect((e as McpError).code).toBe(-32602);
    for (const h of [first, owner]) expect(methodsSeen(await witness(h))).not.toContain("prompts/get");
  });
});
