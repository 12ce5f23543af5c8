// Connected clients in the admin API: listed per agent (and org-wide), revoked at once, and another
// org's agent or grant is NOT_FOUND.
import { describe, expect, it } from "vitest";
import { api } from "../admin/helpers";
import { adminCookie, adminKey, connectWithOAuth, GW, gatewayFetch } from "../helpers/oauth-client";
import { seedOrg } from "../helpers/seed";

async function mcpStatus(token: string): Promise<number> {
  const res = await gatewayFetch(`${GW}/mcp`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
  });
  return res.status;
}

describe("connected clients in the admin API", () => {
  it("lists a client per agent and org-wide, and a revoke stops its token", async () => {
    const org = await seedOrg({ agents: [{ name: "main", isDefault: true }, { name: "ops" }] });
    const cookie = await adminCookie(org.orgId);
    const agentClient = await connectWithOAuth(cookie, { agent: org.agentIds.ops! });
    const orgClient = await connectWithOAuth(cookie, { agent: "org", governance: true });
    const token = await adminKey(org.orgId);

    const list = await api("GET", `/orgs/${org.orgId}/agents/${org.agentIds.ops}/oauth-clients`, { token });
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).toMatchObject({
      clientName: "Test Agent Client",
      agentId: org.agentIds.ops,
      scope: expect.arrayContaining(["tollgate:tools"]),
    });
    const wide = await api("GET", `/orgs/${org.orgId}/oauth-clients`, { token });
    expect(wide.body.data).toHaveLength(1);
    expect(wide.body.data[0].scope).toEqual(
      expect.arrayContaining(["tollgate:tools", "tollgate:governance"]),
    );
    expect(
      (await api("GET", `/orgs/${org.orgId}/agents/${org.agentIds.main}/oauth-clients`, { token })).body.data,
    ).toEqual([]);

    expect(await mcpStatus(agentClient.saved!.access_token)).toBe(200);
    const gone = await api(
      "DELETE",
      `/orgs/${org.orgId}/agents/${org.agentIds.ops}/oauth-clients/${list.body.data[0].grantId}`,
      { token },
    );
    expect(gone.status).toBe(200);
    expect(await mcpStatus(agentClient.saved!.access_token)).toBe(401);
    expect(await mcpStatus(orgClient.saved!.access_token)).toBe(200);
  });

  it("answers NOT_FOUND for another org's agent and grant", async () => {
    const a = await seedOrg();
    const b = await seedOrg();
    const provider = await connectWithOAuth(await adminCookie(b.orgId), { agent: b.agentIds.main! });
    const aKey = await adminKey(a.orgId);
    const grants = await api("GET", `/orgs/${b.orgId}/agents/${b.agentIds.main}/oauth-clients`, {
      token: await adminKey(b.orgId),
    });
    const grantId = grants.body.data[0].grantId as string;
    // a's key, b's agent: not found; a's key, a's agent, b's grant: not found, and nothing revoked.
    expect((await api("GET", `/org/agents/${b.agentIds.main}/oauth-clients`, { token: aKey })).status).toBe(
      404,
    );
    expect(
      (await api("DELETE", `/org/agents/${a.agentIds.main}/oauth-clients/${grantId}`, { token: aKey }))
        .status,
    ).toBe(404);
    expect((await api("DELETE", `/org/oauth-clients/${grantId}`, { token: aKey })).status).toBe(404);
    expect(await mcpStatus(provider.saved!.access_token)).toBe(200);
  });
});
