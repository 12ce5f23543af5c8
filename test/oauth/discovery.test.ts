// MCP authorization discovery on the gateway: the 401 challenge on /mcp, the protected resource
// metadata (RFC 9728) and the authorization server metadata (RFC 8414) it leads to.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const GW = "https://gw.test";

async function get(path: string, init?: RequestInit) {
  return exports.default.fetch(new Request(`${GW}${path}`, init));
}

describe("discovery", () => {
  it("answers POST /mcp without credentials with a Bearer challenge naming the resource metadata", async () => {
    const res = await get("/mcp", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: {} }),
    });
    expect(res.status).toBe(401);
    const challenge = res.headers.get("www-authenticate") ?? "";
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain(`resource_metadata="${GW}/.well-known/oauth-protected-resource/mcp"`);
    expect(challenge).toContain('scope="tollgate:tools"');
  });

  it("serves the protected resource metadata for /mcp", async () => {
    const res = await get("/.well-known/oauth-protected-resource/mcp");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc.resource).toBe(`${GW}/mcp`);
    expect(doc.authorization_servers).toEqual([GW]);
    expect(doc.scopes_supported).toEqual(["tollgate:tools"]);
  });

  it("serves the authorization server metadata with PKCE S256, CIMD, DCR and iss", async () => {
    const res = await get("/.well-known/oauth-authorization-server");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc.issuer).toBe(GW);
    expect(doc.authorization_endpoint).toBe(`${GW}/dashboard/oauth/authorize`);
    expect(doc.token_endpoint).toBe(`${GW}/oauth/token`);
    expect(doc.registration_endpoint).toBe(`${GW}/oauth/register`);
    expect(doc.code_challenge_methods_supported).toEqual(["S256"]);
    expect(doc.client_id_metadata_document_supported).toBe(true);
    expect(doc.authorization_response_iss_parameter_supported).toBe(true);
    expect(doc.scopes_supported).toEqual(expect.arrayContaining(["tollgate:tools", "tollgate:governance"]));
  });

  it("refuses discovery for a host this deployment does not serve", async () => {
    const res = await exports.default.fetch(
      new Request("https://evil.example/.well-known/oauth-authorization-server"),
    );
    expect(res.status).toBe(421);
  });
});
