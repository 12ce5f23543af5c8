// Admin writes reach the gateway at once: revoking an MCP key through the API invalidates its cache.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, newAgent, newOrg } from "./helpers";

async function initialize(key: string): Promise<number> {
  const res = await exports.default.fetch(
    new Request(`https://gw.test/${key}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
      }),
    }),
  );
  await res.body?.cancel();
  return res.status;
}

describe("admin writes and the gateway", () => {
  it("a key revoked through the admin API stops working on /mcp immediately", async () => {
    const { adminKey } = await newOrg();
    const agentId = await newAgent(adminKey, "main", { isDefault: true });
    const key = await api("POST", "/org/keys", { token: adminKey, body: { scope: "agent", agentId } });
    expect(await initialize(key.body.secret)).toBe(200);
    await api("POST", `/org/keys/${key.body.id}/revoke`, { token: adminKey });
    expect(await initialize(key.body.secret)).toBe(401);
  });

  it("an org admin key is not an MCP key", async () => {
    const { adminKey } = await newOrg();
    await newAgent(adminKey, "main", { isDefault: true });
    expect(await initialize(adminKey)).toBe(401);
  });
});
