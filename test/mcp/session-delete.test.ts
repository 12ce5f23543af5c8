// Ending a session: a 2025-era client's DELETE ends the gateway session (and each upstream session
// in it); 2026-07-28 has no sessions, so a modern DELETE or GET is 405.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { seedOrg } from "../helpers/seed";
import { witnessHost } from "../helpers/witness";

async function mcpUrl() {
  const seeded = await seedOrg({ upstreams: [{ namespace: "d", url: `https://${witnessHost()}/json/mcp` }] });
  return seeded.url(seeded.agentKeys.main!);
}

describe("session DELETE", () => {
  it("a legacy client's DELETE with its session answers 204; an unknown session 404", async () => {
    const url = await mcpUrl();
    const init = await exports.default.fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" } },
      }),
    });
    const sid = init.headers.get("mcp-session-id")!;
    await init.body?.cancel();
    const del = await exports.default.fetch(url, { method: "DELETE", headers: { "mcp-session-id": sid } });
    expect(del.status).toBe(204);
    const unknown = await exports.default.fetch(url, {
      method: "DELETE",
      headers: { "mcp-session-id": "tgs1.x.y" },
    });
    expect(unknown.status).toBe(404);
    await unknown.body?.cancel();
  });

  it("a 2026-07-28 DELETE or GET is 405", async () => {
    const url = await mcpUrl();
    for (const method of ["DELETE", "GET"]) {
      const res = await exports.default.fetch(url, {
        method,
        headers: { "mcp-protocol-version": "2026-07-28" },
      });
      expect(res.status, method).toBe(405);
      await res.body?.cancel();
    }
  });
});
