// A web page on the attacker's name, rebound in DNS to the gateway, calls /mcp: its Host and Origin are
// both the attacker's name. The gateway refuses by Host (421) or by Origin (403) before any key lookup,
// and the upstream sees nothing.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";

const CALL =
  '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"x"}}}';

function post(url: string, headers: Record<string, string> = {}) {
  return exports.default.fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body: CALL,
  });
}

async function seeded() {
  const host = witnessHost();
  const org = await seedOrg({ upstreams: [{ namespace: "w", url: `https://${host}/json/mcp` }] });
  return { host, key: org.agentKeys.main! };
}

describe("DNS rebinding and foreign origins on /mcp", () => {
  it("answers 421 when Host is not a configured hostname, even with a matching Origin", async () => {
    const { host, key } = await seeded();
    const res = await post(`https://evil.example.com/${key}/mcp`, { origin: "https://evil.example.com" });
    expect(res.status).toBe(421);
    const bare = await post(`https://evil.example.com/${key}/mcp`);
    expect(bare.status).toBe(421);
    expect((await witness(host)).requests).toEqual([]);
  });

  it("compares Origin as a full origin against the deployment's own, not the request's Host", async () => {
    const { host, key } = await seeded();
    for (const origin of ["https://evil.example.com", "http://gw.test", "https://gw.test:8443", "null"]) {
      const res = await post(`https://gw.test/${key}/mcp`, { origin });
      expect(res.status, origin).toBe(403);
    }
    expect((await witness(host)).requests).toEqual([]);
    const ok = await post(`https://gw.test/${key}/mcp`, { origin: "https://gw.test" });
    expect(ok.status).toBe(200);
    expect((await witness(host)).requests.map((r) => r.rpcMethod)).toEqual(["tools/call"]);
  });

  it("refuses before looking up the key (no 401 oracle for a rebinding page)", async () => {
    const res = await post(`https://evil.example.com/tg_agt_${"A".repeat(32)}/mcp`);
    expect(res.status).toBe(421);
  });

  it("serves loopback hosts for local development", async () => {
    const { key } = await seeded();
    const res = await post(`http://127.0.0.1:8787/${key}/mcp`, { origin: "http://localhost:6274" });
    expect(res.status).toBe(200);
  });
});
