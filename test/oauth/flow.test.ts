// The MCP authorization flow end to end in workerd: the SDK client's auth() discovers the server from
// the 401, registers, sends the operator to the consent page (answered programmatically), exchanges
// the code, then calls a paid tool through the gateway as the agent the operator picked.
import { env } from "cloudflare:workers";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/cfworker";
import { afterEach, describe, expect, it } from "vitest";
import { ledgerFor } from "../../src/ledger/client";
import { withPayer } from "../helpers/mcp-client";
import {
  adminCookie,
  connectWithOAuth,
  GW,
  gatewayFetch,
  MemoryOAuthProvider,
} from "../helpers/oauth-client";
import { ECHO_BUDGET } from "../helpers/policies";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function connectAs(provider: MemoryOAuthProvider) {
  const client = new Client(
    { name: "oauth-test-client", version: "1.0.0" },
    { capabilities: {}, jsonSchemaValidator: new CfWorkerJsonSchemaValidator() },
  );
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${GW}/mcp`), { fetch: gatewayFetch, authProvider: provider }),
  );
  clients.push(client);
  return client;
}

describe("sign in with OAuth", () => {
  it("connects by URL alone, with consent, and pays for a tool as the chosen agent", async () => {
    const host = witnessHost();
    const org = await seedOrg({
      policy: ECHO_BUDGET,
      agents: [{ name: "main", isDefault: true }, { name: "research" }],
      upstreams: [{ namespace: "paid", url: `https://${host}/mcp` }],
    });
    const cookie = await adminCookie(org.orgId);
    const provider = await connectWithOAuth(cookie, { agent: org.agentIds.research! });
    expect(provider.saved?.access_token).toBeTruthy();
    expect(provider.saved?.refresh_token).toBeTruthy();
    expect(provider.saved?.expires_in).toBeLessThanOrEqual(3600);

    const client = withPayer(await connectAs(provider));
    const result = await client.callTool({ name: "paid_echo", arguments: { text: "hi", price: "2.00" } });
    expect(result.content).toEqual([{ type: "text", text: "hi" }]);
    expect(result.receipt?.status).toBe("success");

    await ledgerFor(env, org.orgId).flush();
    const rows = await env.DB.prepare(
      "SELECT agent_id, status, amount FROM transactions WHERE org_id = ? AND status = 'committed'",
    )
      .bind(org.orgId)
      .all<{ agent_id: string; status: string; amount: string }>();
    // Bound to the agent picked at consent, not the org's default agent.
    expect(rows.results).toEqual([
      { agent_id: org.agentIds.research, status: "committed", amount: "2000000" },
    ]);

    // The client's token never travels upstream.
    const seen = await witness(host);
    expect(seen.requests.length).toBeGreaterThan(0);
    const token = provider.saved?.access_token ?? "";
    for (const r of seen.requests) {
      expect(r.headerValues).not.toContain(token);
      expect(r.headerValues.toLowerCase()).not.toContain("bearer");
    }
  });

  it("refreshes an access token with the refresh token, and the new one works", async () => {
    const org = await seedOrg();
    const cookie = await adminCookie(org.orgId);
    const provider = await connectWithOAuth(cookie, { agent: org.agentIds.main! });
    const old = provider.saved!;
    const res = await gatewayFetch(`${GW}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: old.refresh_token!,
        client_id: provider.info!.client_id,
      }),
    });
    expect(res.status).toBe(200);
    const fresh = (await res.json()) as { access_token: string; refresh_token: string };
    expect(fresh.access_token).not.toBe(old.access_token);
    expect(fresh.refresh_token).not.toBe(old.refresh_token);
    provider.saved = { ...old, ...fresh };
    const client = await connectAs(provider);
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toContain("paid_echo");
  });

  it("shows governance tools only when the operator granted the governance scope", async () => {
    const org = await seedOrg();
    const cookie = await adminCookie(org.orgId);
    const without = await connectAs(await connectWithOAuth(cookie, { agent: org.agentIds.main! }));
    const names = (await without.listTools()).tools.map((t) => t.name);
    expect(names.some((n) => n.startsWith("tollgate_"))).toBe(false);
    const withGov = await connectAs(
      await connectWithOAuth(cookie, { agent: org.agentIds.main!, governance: true }),
    );
    const govNames = (await withGov.listTools()).tools.map((t) => t.name);
    expect(govNames).toContain("tollgate_check_budget");
  });
});

describe("Client ID Metadata Documents", () => {
  it("a client identified by its metadata URL completes the flow; the page shows its domain", async () => {
    const org = await seedOrg();
    const cookie = await adminCookie(org.orgId);
    const provider = new MemoryOAuthProvider();
    provider.clientMetadataUrl = "https://client-app.example/oauth/client.json";
    const done = await connectWithOAuth(cookie, { agent: org.agentIds.main! }, provider, (html) => {
      expect(html).toContain("Metadata Document Client");
      expect(html).toContain('id="consent-client-domain">client-app.example<');
    });
    expect(done.info?.client_id).toBe("https://client-app.example/oauth/client.json");
    const client = await connectAs(done);
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
  });
});
