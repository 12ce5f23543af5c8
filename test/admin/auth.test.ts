// Who may call what: no token, bad token, MCP keys (403), revoked admin keys, deployment-only routes.
import { describe, expect, it } from "vitest";
import { api, expectError, newAgent, newMcpKey, newOrg } from "./helpers";

describe("admin API authentication", () => {
  it("answers 401 without a token", async () => {
    expectError(await api("GET", "/orgs", { token: null }), 401, "UNAUTHORIZED");
    expectError(await api("GET", "/org/agents", { token: null }), 401, "UNAUTHORIZED");
  });

  it("answers 401 for an unknown token, a malformed key and a non-bearer header", async () => {
    expectError(await api("GET", "/orgs", { token: "not-the-admin-token-xyz" }), 401, "UNAUTHORIZED");
    expectError(await api("GET", "/org/agents", { token: `tg_adm_${"A".repeat(32)}` }), 401, "UNAUTHORIZED");
  });

  it("refuses org and agent MCP keys with 403", async () => {
    const { adminKey } = await newOrg();
    const agentId = await newAgent(adminKey, "bot");
    for (const key of [await newMcpKey(adminKey, "org"), await newMcpKey(adminKey, "agent", agentId)]) {
      expectError(await api("GET", "/org/agents", { token: key }), 403, "FORBIDDEN");
      expectError(await api("POST", "/org/keys", { token: key, body: { scope: "admin" } }), 403, "FORBIDDEN");
    }
  });

  it("lets only the deployment token create and list orgs", async () => {
    const { adminKey } = await newOrg();
    expectError(await api("GET", "/orgs", { token: adminKey }), 403, "FORBIDDEN");
    expectError(await api("POST", "/orgs", { token: adminKey, body: { name: "x" } }), 403, "FORBIDDEN");
  });

  it("checks auth before validating the body", async () => {
    expectError(await api("POST", "/orgs", { token: null, body: { name: 5 } }), 401, "UNAUTHORIZED");
  });

  it("stops a revoked admin key at once", async () => {
    const { adminKey } = await newOrg();
    const second = await api("POST", "/org/keys", { token: adminKey, body: { scope: "admin", name: "ops" } });
    expect(second.status).toBe(201);
    expect((await api("GET", "/org/agents", { token: second.body.secret })).status).toBe(200);
    const revoked = await api("POST", `/org/keys/${second.body.id}/revoke`, { token: adminKey });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(Number));
    expectError(await api("GET", "/org/agents", { token: second.body.secret }), 401, "UNAUTHORIZED");
  });

  it("gives the deployment token no /org shorthand, and 404 for an org that does not exist", async () => {
    expectError(await api("GET", "/org/agents"), 404, "NOT_FOUND");
    expectError(await api("GET", "/orgs/org_doesnotexist/agents"), 404, "NOT_FOUND");
  });

  it("serves the OpenAPI document without auth", async () => {
    const r = await api("GET", "/openapi.json", { token: null });
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe("3.1.0");
  });
});
