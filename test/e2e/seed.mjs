// Seeds the e2e org through the admin API (docs/api.md) and drives an agent through the gateway with the
// real MCP SDK client (and mppx's client with the demo's test payer for paid calls).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Credential, Method } from "mppx";
import { McpClient } from "mppx/mcp/client";
import { testCharge } from "../../demo/paid-upstream/method.ts";

export const POLICY = `version: "1"
description: "e2e: research reports over 10.00 need a human"
tools:
  research_report:
    rules:
      - name: "expensive needs approval"
        action: "require_approval"
        conditions:
          - path: "spend.amount"
            op: "gt"
            value: 10000000
        on_deny: "Research report over 10.00 requires approval"
  "*":
    rules:
      - name: "global daily budget"
        spend:
          daily: 200.00
`;

export function adminApi(base, token) {
  return async (method, path, body) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json().catch(() => null);
    if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
}

export async function seed(s) {
  const root = adminApi(s.gateway, s.secrets.ADMIN_TOKEN);
  const created = await root("POST", "/orgs", { name: "E2E Research Org", timeZone: "Europe/Paris" });
  const adminKey = created.key?.secret ?? created.adminKey?.secret;
  const api = adminApi(s.gateway, adminKey);
  const agent = await api("POST", "/org/agents", {
    name: "research-bot",
    description: "e2e agent",
    isDefault: true,
  });
  await api("PUT", `/org/agents/${agent.id}/mandate`, {
    currency: "PATHUSD",
    timeZone: "Europe/Paris",
    budgets: { daily: "50.00", monthly: "300.00" },
    perTransactionLimit: "20.00",
  });
  await api("POST", "/org/policies", { source: POLICY, format: "yaml", activate: true });
  await api("POST", "/org/upstreams", { namespace: "demo", url: s.upstream });
  const agentKey = await api("POST", "/org/keys", {
    scope: "agent",
    agentId: agent.id,
    name: "research-bot key",
  });
  const spareKey = await api("POST", "/org/keys", { scope: "org", name: "spare key to revoke" });
  return { orgId: created.org.id, adminKey, api, agentId: agent.id, agentKey: agentKey.secret, spareKey };
}

/** An MCP agent session through the gateway; `call` never throws, it returns { ok, result | error }. */
export async function agent(gateway, key) {
  const client = new Client({ name: "tollgate-e2e-agent", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${gateway}/${key}/mcp`)));
  const payer = Method.toClient(testCharge, {
    async createCredential({ challenge }) {
      return Credential.serialize({ challenge, payload: { token: "ok" } });
    },
  });
  const paying = McpClient.wrap(client, { methods: [payer], onPaymentRequired: () => true });
  const wrap = (c) => async (name, args) => {
    try {
      return { ok: true, result: await c.callTool({ name, arguments: args }) };
    } catch (error) {
      return { ok: false, error, code: error?.code, tollgate: error?.data?.tollgate ?? null };
    }
  };
  return { call: wrap(client), pay: wrap(paying), close: () => client.close() };
}
