// An agent sends an MCP-Protocol-Version the gateway does not speak (or garbage meant for an upstream's
// header parser). The gateway answers HTTP 400 with a JSON-RPC error and forwards nothing.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SUPPORTED_PROTOCOL_VERSIONS } from "../../src/mcp/protocol-version";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";

const CALL =
  '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"x"}}}';

function post(url: string, headers: Record<string, string>) {
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

describe("unsupported MCP-Protocol-Version", () => {
  it("answers 400 with a JSON-RPC error, and the upstream sees nothing", async () => {
    const host = witnessHost();
    const org = await seedOrg({ upstreams: [{ namespace: "w", url: `https://${host}/json/mcp` }] });
    for (const version of ["1999-01-01", "2024-10-07", "latest", "2025-06-18, 2025-03-26", ""]) {
      const res = await post(org.url(org.agentKeys.main!), { "mcp-protocol-version": version });
      expect(res.status, version).toBe(400);
      const body = (await res.json()) as {
        jsonrpc: string;
        id: null;
        error: { code: number; message: string; data: { supported: string[]; requested: string } };
      };
      // UnsupportedProtocolVersionError (2026-07-28), for every era: legacy revisions only ask for a 400.
      expect(body).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32022 } });
      expect(body.error.message).toContain("2025-11-25");
      expect(body.error.data).toEqual({ supported: [...SUPPORTED_PROTOCOL_VERSIONS], requested: version });
    }
    expect((await witness(host)).requests).toEqual([]);
  });

  it("accepts every supported legacy version and a missing header", async () => {
    const host = witnessHost();
    const org = await seedOrg({ upstreams: [{ namespace: "w", url: `https://${host}/json/mcp` }] });
    const legacy = SUPPORTED_PROTOCOL_VERSIONS.filter((v) => v !== "2026-07-28");
    for (const version of legacy) {
      const res = await post(org.url(org.agentKeys.main!), { "mcp-protocol-version": version });
      expect(res.status, version).toBe(200);
    }
    expect((await post(org.url(org.agentKeys.main!), {})).status).toBe(200);
    expect((await witness(host)).requests).toHaveLength(legacy.length + 1);
  });

  it("2026-07-28 without the body's _meta version and standard headers is a header mismatch", async () => {
    const host = witnessHost();
    const org = await seedOrg({ upstreams: [{ namespace: "w", url: `https://${host}/json/mcp` }] });
    const res = await post(org.url(org.agentKeys.main!), { "mcp-protocol-version": "2026-07-28" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(-32020);
    expect((await witness(host)).requests).toEqual([]);
  });
});
