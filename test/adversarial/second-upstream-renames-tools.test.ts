// Attack: the operator adds a second upstream, and a per-tool rule on "paid_echo" silently stops
// matching because every tool got renamed "<namespace>__<tool>". Names are stored per upstream now.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { api, newAgent, newMcpKey, newOrg } from "../admin/helpers";
import { connectMcp } from "../helpers/mcp-client";
import { witness, witnessHost } from "../helpers/witness";

const POLICY = `version: "1"
tools:
  paid_echo:
    rules:
      - name: "no paid echo"
        action: deny
        on_deny: "paid_echo is not for agents"
`;

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function names(url: string) {
  const c = await connectMcp(url);
  clients.push(c);
  return { client: c, names: (await c.listTools()).tools.map((t) => t.name) };
}

describe("a second upstream added through the admin API", () => {
  it("renames none of the first upstream's tools, so the deny rule on paid_echo still applies before the upstream", async () => {
    const { adminKey } = await newOrg();
    const agentId = await newAgent(adminKey, "bot");
    const key = await newMcpKey(adminKey, "agent", agentId);
    const url = `https://gw.test/${key}/mcp`;
    const first = witnessHost();
    const up1 = await api("POST", "/org/upstreams", {
      token: adminKey,
      body: { namespace: "paid", url: `https://${first}/mcp` },
    });
    expect(up1.body.toolPrefix).toBeNull();
    const pol = await api("POST", "/org/policies", {
      token: adminKey,
      body: { source: POLICY, activate: true },
    });
    expect(pol.body.warnings).toEqual([]);

    expect((await names(url)).names).toContain("paid_echo");

    const up2 = await api("POST", "/org/upstreams", {
      token: adminKey,
      body: { namespace: "second", url: `https://${witnessHost()}/json/mcp` },
    });
    expect(up2.body.toolPrefix).toBe("second__");

    const after = await names(url);
    expect(after.names).toEqual(expect.arrayContaining(["paid_echo", "echo", "second__paid_echo"]));
    const err = await after.client.callTool({ name: "paid_echo", arguments: { text: "x" } }).catch((e) => e);
    expect(err).toBeInstanceOf(McpError);
    expect((err as McpError).code).toBe(-32010);
    expect((err as McpError).data).toMatchObject({
      tollgate: { reason: "policy_denied", rule: "no paid echo" },
    });

    const seen = await witness(first);
    expect(seen.requests.filter((r) => r.rpcMethod === "tools/call")).toEqual([]);
    expect(seen.runs).toEqual([]);
    expect(seen.settlements).toEqual([]);
  });
});
