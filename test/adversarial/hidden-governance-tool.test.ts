// Attack: the policy hides a governance tool (tollgate_*) from tools/list, and the agent calls it by
// name anyway. It must be denied like a hidden upstream tool, and the denial is recorded.
import { env } from "cloudflare:workers";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { ledgerFor } from "../../src/ledger/client";
import { connectMcp } from "../helpers/mcp-client";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe("a hidden governance tool called by name", () => {
  it("is denied with tool_hidden (-32010), recorded, and never reaches an upstream", async () => {
    const host = witnessHost();
    const org = await seedOrg({
      policy: 'version: "1"\nhide: ["tollgate_reserve", "tollgate_check_*"]\ntools: {}\n',
      upstreams: [{ namespace: "paid", url: `https://${host}/mcp` }],
    });
    const client = await connectMcp(org.url(org.agentKeys.main!));
    clients.push(client);
    const listed = (await client.listTools()).tools.map((t) => t.name);
    expect(listed).not.toContain("tollgate_reserve");
    expect(listed).not.toContain("tollgate_check_budget");
    expect(listed).toContain("tollgate_transactions");

    for (const name of ["tollgate_check_budget", "tollgate_reserve"]) {
      const err = await client
        .callTool({ name, arguments: { amount: "1.00", currency: "PATHUSD" } })
        .catch((e) => e);
      expect(err).toBeInstanceOf(McpError);
      expect((err as McpError).code).toBe(-32010);
      expect((err as McpError).data).toMatchObject({
        tollgate: { denied: true, reason: "tool_hidden", rule: "(hidden)", source: "policy" },
      });
    }
    const visible = await client.callTool({ name: "tollgate_transactions", arguments: {} });
    expect(visible.isError).toBeFalsy();

    await ledgerFor(env, org.orgId).flush();
    const rows = await env.DB.prepare(
      "SELECT tool, status, reason_code FROM transactions WHERE org_id = ? ORDER BY tool",
    )
      .bind(org.orgId)
      .all<{ tool: string; status: string; reason_code: string }>();
    expect(rows.results).toEqual([
      { tool: "tollgate_check_budget", status: "denied", reason_code: "tool_hidden" },
      { tool: "tollgate_reserve", status: "denied", reason_code: "tool_hidden" },
    ]);
    expect((await witness(host)).requests.filter((r) => r.rpcMethod === "tools/call")).toEqual([]);
  });
});
