// A 2026-07-28 upstream (the spec-built fixture at /modern/mcp, no SDK speaks it yet) behind the
// gateway: a 2025-era SDK client keeps its gateway session while the gateway talks to the upstream
// statelessly (its era found by server/discover after initialize is refused with a modern error);
// a 2026-07-28 client's requests are forwarded in their own era.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterEach, describe, expect, it } from "vitest";
import { connectMcp } from "../helpers/mcp-client";
import { modernCall } from "../helpers/modern-client";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function org() {
  const host = witnessHost();
  const seeded = await seedOrg({ upstreams: [{ namespace: "modern", url: `https://${host}/modern/mcp` }] });
  return { ...seeded, host, mcp: seeded.url(seeded.agentKeys.main!) };
}

describe("a 2026-07-28 upstream", () => {
  it("serves a 2025-era SDK client: session kept by the gateway, stateless requests upstream", async () => {
    const o = await org();
    const client = await connectMcp(o.mcp);
    clients.push(client);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain("modern_echo");
    const result = await client.callTool({ name: "modern_echo", arguments: { text: "bridged" } });
    expect(result.content).toEqual([{ type: "text", text: "bridged" }]);
    const w = await witness(o.host);
    expect(w.runs).toEqual([{ tool: "modern_echo", args: { text: "bridged" } }]);
    // initialize refused (modern error), then server/discover; every later request in the modern form.
    expect(w.requests.map((r) => r.rpcMethod).slice(0, 2)).toEqual(["initialize", "server/discover"]);
    const call = w.requests.find((r) => r.rpcMethod === "tools/call")!;
    expect(call.metaKeys).toEqual(
      expect.arrayContaining([
        "io.modelcontextprotocol/protocolVersion",
        "io.modelcontextprotocol/clientCapabilities",
      ]),
    );
  });

  it("serves a 2026-07-28 client directly", async () => {
    const o = await org();
    const discover = await modernCall(o.mcp, "server/discover");
    expect(discover.body.result).toMatchObject({ resultType: "complete", capabilities: { tools: {} } });
    const call = await modernCall(o.mcp, "tools/call", {
      name: "modern_echo",
      arguments: { text: "direct" },
    });
    expect(call.body.result).toMatchObject({
      resultType: "complete",
      content: [{ type: "text", text: "direct" }],
    });
    expect((await witness(o.host)).runs).toEqual([{ tool: "modern_echo", args: { text: "direct" } }]);
  });

  it("an upstream's own MRTR question goes to a 2026 client, and only its answer goes back", async () => {
    const o = await org();
    const caps = { capabilities: { elicitation: {} } };
    const asked = await modernCall(o.mcp, "tools/call", { name: "modern_confirm", arguments: {} }, caps);
    expect(asked.body.result).toMatchObject({ resultType: "input_required", requestState: "demo-state-1" });
    const done = await modernCall(
      o.mcp,
      "tools/call",
      {
        name: "modern_confirm",
        arguments: {},
        requestState: "demo-state-1",
        inputResponses: { confirm: { action: "accept", content: {} } },
      },
      caps,
    );
    expect(done.body.result).toMatchObject({
      resultType: "complete",
      content: [{ type: "text", text: "confirmed" }],
    });
    expect((await witness(o.host)).runs).toEqual([{ tool: "modern_confirm", args: {} }]);
  });

  it("its MRTR question reaches a 2025-era client as a tool error, never as an empty result", async () => {
    const o = await org();
    const client = await connectMcp(o.mcp);
    clients.push(client);
    const result = await client.callTool({ name: "modern_confirm", arguments: {} });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain("needs input");
  });
});
