// Tenant isolation: org A's admin key runs EVERY org route (enumerated from the OpenAPI document, so a
// new route is covered or this suite fails) against org B's paths and ids. Every answer is 404 and
// never carries B's data; afterwards B is unchanged.
import { beforeAll, describe, expect, it } from "vitest";
import { signIn } from "../dashboard/helpers";
import { connectWithOAuth } from "../helpers/oauth-client";
import {
  type ApiResult,
  api,
  insertApproval,
  insertDelivery,
  insertTransaction,
  newAgent,
  newOrg,
} from "./helpers";

type Org = { orgId: string; adminKey: string };
type Ids = Record<string, string>;

// A valid body per route, so a 404 can never be a validation error in disguise.
const BODIES: Record<string, unknown> = {
  "patch /orgs/{orgId}": { name: "hijacked" },
  "post /orgs/{orgId}/keys": { scope: "org", name: "x" },
  "post /orgs/{orgId}/keys/{keyId}/revoke": {},
  "post /orgs/{orgId}/agents": { name: "intruder" },
  "patch /orgs/{orgId}/agents/{agentId}": { description: "hijacked" },
  "put /orgs/{orgId}/agents/{agentId}/mandate": { currency: "USD", budgets: { daily: "1000000" } },
  "post /orgs/{orgId}/policies": { source: 'version: "1"\ndefault: allow\n', activate: true },
  "post /orgs/{orgId}/policies/evaluate": { call: { tool: "t" } },
  "post /orgs/{orgId}/policies/{policyId}/activate": {},
  "post /orgs/{orgId}/upstreams": { namespace: "evil", url: "https://evil.example/mcp" },
  "patch /orgs/{orgId}/upstreams/{upstreamId}": { url: "https://evil.example/mcp" },
  "post /orgs/{orgId}/webhooks": { url: "https://evil.example/hook" },
  "post /orgs/{orgId}/approvals/{approvalId}/approve": { note: "x" },
  "post /orgs/{orgId}/approvals/{approvalId}/reject": { note: "x" },
  "post /orgs/{orgId}/wallets": { name: "intruder", caps: { currency: "USD" } },
  "patch /orgs/{orgId}/wallets/{walletId}": { status: "disabled" },
  "post /orgs/{orgId}/wallets/{walletId}/methods": { secret: { kind: "mpp-test" } },
};
const QUERIES: Record<string, string> = { "get /orgs/{orgId}/budgets": "?agentId={agentId}" };

let a: Org;
let b: Org;
let bIds: Ids;
let bSecrets: string[];
let routes: { method: string; path: string }[];

async function seed(org: Org, tag: string): Promise<{ ids: Ids; secrets: string[] }> {
  const t = org.adminKey;
  const agentId = await newAgent(t, `agent-${tag}`, { description: `secret plans of ${tag}` });
  const key = await api("POST", "/org/keys", {
    token: t,
    body: { scope: "agent", agentId, name: `key-${tag}` },
  });
  await api("PUT", `/org/agents/${agentId}/mandate`, {
    token: t,
    body: { currency: "USD", budgets: { daily: "7.77" } },
  });
  const policy = await api("POST", "/org/policies", {
    token: t,
    body: { source: `version: "1"\ndescription: policy-${tag}\n` },
  });
  const upstream = await api("POST", "/org/upstreams", {
    token: t,
    body: {
      namespace: `ns-${tag}`,
      url: `https://${tag}.example/mcp`,
      headers: { "X-Api-Key": `hdr-${tag}` },
    },
  });
  const webhook = await api("POST", "/org/webhooks", {
    token: t,
    body: { url: `https://${tag}.example/hook` },
  });
  const deliveryId = await insertDelivery(org.orgId, webhook.body.id);
  const transactionId = await insertTransaction(org.orgId, { agentId, tool: `tool-${tag}` });
  const approvalId = await insertApproval(org.orgId, agentId, { tool: `tool-${tag}` });
  const wallet = await api("POST", "/org/wallets", {
    token: t,
    body: { name: `wallet-${tag}`, caps: { currency: "USD", daily: "5.00" } },
  });
  const withMethod = await api("POST", `/org/wallets/${wallet.body.id}/methods`, {
    token: t,
    body: { secret: { kind: "mpp-test", token: `wtok-${tag}` } },
  });
  // An OAuth client connected as the agent, through the whole flow (its grant id is a route param).
  await connectWithOAuth(await signIn(t), { agent: agentId });
  const grants = await api("GET", `/org/agents/${agentId}/oauth-clients`, { token: t });
  return {
    ids: {
      grantId: grants.body.data[0].grantId,
      orgId: org.orgId,
      agentId,
      keyId: key.body.id,
      policyId: policy.body.id,
      upstreamId: upstream.body.id,
      webhookId: webhook.body.id,
      deliveryId,
      transactionId,
      approvalId,
      walletId: wallet.body.id,
      methodId: withMethod.body.methods[0].id,
    },
    secrets: [
      key.body.secret,
      webhook.body.secret,
      `hdr-${tag}`,
      `secret plans of ${tag}`,
      `agent-${tag}`,
      `ns-${tag}`,
      `tool-${tag}`,
      `policy-${tag}`,
      `wallet-${tag}`,
      `wtok-${tag}`,
    ],
  };
}

function fill(template: string, ids: Ids): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const id = ids[name];
    if (!id) throw new Error(`no id for {${name}}`);
    return id;
  });
}

function expectHidden(r: ApiResult, what: string): void {
  expect(r.status, `${what} -> ${JSON.stringify(r.body)}`).toBe(404);
  expect(r.body.error.code).toBe("NOT_FOUND");
  const text = JSON.stringify(r.body);
  for (const s of [...bSecrets, ...Object.values(bIds)]) expect(text, what).not.toContain(s);
}

beforeAll(async () => {
  a = await newOrg("Org A");
  b = await newOrg("Org B");
  await seed(a, "aaa");
  ({ ids: bIds, secrets: bSecrets } = await seed(b, "bbb"));
  const doc = await api("GET", "/openapi.json", { token: null });
  routes = [];
  for (const [path, ops] of Object.entries(doc.body.paths as Record<string, Record<string, unknown>>)) {
    if (!path.startsWith("/orgs/{orgId}")) continue;
    for (const method of Object.keys(ops)) routes.push({ method, path });
  }
});

describe("tenant isolation", () => {
  it("enumerates every org route from the OpenAPI document", () => {
    expect(routes.length).toBeGreaterThanOrEqual(30);
  });

  it("answers 404 to org A's key on every route under /orgs/<B>", async () => {
    for (const { method, path } of routes) {
      const key = `${method} ${path}`;
      const url = fill(path, bIds) + fill(QUERIES[key] ?? "", bIds);
      expectHidden(
        await api(method.toUpperCase(), url, {
          token: a.adminKey,
          body: BODIES[key] ?? (method === "get" || method === "delete" ? undefined : {}),
        }),
        `${key} (B's org path)`,
      );
    }
  });

  it("answers 404 to org A's key for B's resource ids under A's own org", async () => {
    const own = { ...bIds, orgId: a.orgId };
    let checked = 0;
    for (const { method, path } of routes) {
      const key = `${method} ${path}`;
      const hasId = /\{(?!orgId)\w+\}/.test(path) || QUERIES[key];
      if (!hasId) continue;
      const url = fill(path, own) + fill(QUERIES[key] ?? "", own);
      expectHidden(
        await api(method.toUpperCase(), url, {
          token: a.adminKey,
          body: BODIES[key] ?? (method === "get" || method === "delete" ? undefined : {}),
        }),
        `${key} (A's path, B's id)`,
      );
      // The /org shorthand resolves to A as well.
      const short = url.replace(`/orgs/${a.orgId}`, "/org");
      expectHidden(
        await api(method.toUpperCase(), short, {
          token: a.adminKey,
          body: BODIES[key] ?? (method === "get" || method === "delete" ? undefined : {}),
        }),
        `${key} (/org, B's id)`,
      );
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(15);
  });

  it("answers 404 for B's ids referenced in bodies", async () => {
    const t = a.adminKey;
    expectHidden(
      await api("POST", "/org/keys", { token: t, body: { scope: "agent", agentId: bIds.agentId } }),
      "agent key for B's agent",
    );
    expectHidden(
      await api("POST", "/org/upstreams", {
        token: t,
        body: { namespace: "x", url: "https://x.example", agentIds: [bIds.agentId] },
      }),
      "upstream for B's agent",
    );
    expectHidden(
      await api("POST", "/org/policies/evaluate", {
        token: t,
        body: { policyId: bIds.policyId, call: { tool: "t" } },
      }),
      "evaluate B's policy",
    );
    expectHidden(
      await api("POST", "/org/policies/evaluate", {
        token: t,
        body: { call: { tool: "t", agentId: bIds.agentId } },
      }),
      "evaluate with B's mandate",
    );
  });

  it("never lists B's rows in A's lists", async () => {
    for (const path of [
      "/org/keys",
      "/org/agents",
      "/org/policies",
      "/org/upstreams",
      "/org/webhooks",
      "/org/transactions",
      "/org/approvals?status=all",
      `/org/transactions?agentId=${bIds.agentId}`,
    ]) {
      const r = await api("GET", path, { token: a.adminKey });
      expect(r.status, path).toBe(200);
      const text = JSON.stringify(r.body);
      for (const s of [...bSecrets, ...Object.values(bIds)]) expect(text, path).not.toContain(s);
    }
  });

  it("left org B untouched", async () => {
    const t = b.adminKey;
    expect((await api("GET", "/org", { token: t })).body.name).toBe("Org B");
    const agent = await api("GET", `/org/agents/${bIds.agentId}`, { token: t });
    expect(agent.body).toMatchObject({
      description: "secret plans of bbb",
      mandate: { version: 1, budgets: { daily: { amount: "777" } } },
    });
    expect(
      (await api("GET", "/org/keys", { token: t })).body.data.every(
        (k: { revokedAt: number | null }) => k.revokedAt === null,
      ),
    ).toBe(true);
    expect((await api("GET", "/org/policies", { token: t })).body.data).toMatchObject([
      { id: bIds.policyId, active: false },
    ]);
    expect((await api("GET", `/org/upstreams/${bIds.upstreamId}`, { token: t })).body.url).toBe(
      "https://bbb.example/mcp",
    );
    expect((await api("GET", "/org/webhooks", { token: t })).body.data).toHaveLength(1);
    expect((await api("GET", "/org/approvals", { token: t })).body.data).toMatchObject([
      { id: bIds.approvalId, status: "pending" },
    ]);
    expect((await api("GET", "/org/upstreams", { token: t })).body.data).toHaveLength(1);
  });
});
