// The dashboard's guards, driven through the Worker: no session -> sign-in, bad keys refused, the
// CSRF token and origin required on every form post, revoked keys end sessions, and one org's session
// never reads or changes another org's rows by id.
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, api, insertApproval, insertTransaction, newAgent, newOrg } from "../admin/helpers";
import { csrfOf, post, request, signIn } from "./helpers";

type Org = { orgId: string; adminKey: string };
let a: Org;
let b: Org;
let cookieA: string;
const bIds: Record<string, string> = {};

beforeAll(async () => {
  a = await newOrg("Alpha Co");
  b = await newOrg("Beta Co");
  cookieA = await signIn(a.adminKey);
  bIds.agent = await newAgent(b.adminKey, "beta-secret-agent");
  bIds.approval = await insertApproval(b.orgId, bIds.agent, { tool: "beta_secret_tool" });
  bIds.tx = await insertTransaction(b.orgId, { agentId: bIds.agent, tool: "beta_secret_tool" });
  const p = await api("POST", "/org/policies", {
    token: b.adminKey,
    body: { source: 'version: "1"\ndescription: beta-secret-policy\n' },
  });
  bIds.policy = p.body.id;
  const w = await api("POST", "/org/webhooks", {
    token: b.adminKey,
    body: { url: "https://hooks.example/b" },
  });
  bIds.webhook = w.body.id;
});

describe("sessions", () => {
  it("redirects every page to sign-in without a session", async () => {
    for (const path of ["/dashboard", "/dashboard/approvals", "/dashboard/transactions", "/dashboard/keys"]) {
      const r = await request("GET", path);
      expect(r.status, path).toBe(303);
      expect(r.location).toBe("/dashboard/signin");
    }
    expect((await request("GET", "/dashboard/approvals/fragment")).status).toBe(401);
  });

  it("refuses a bad key, an MCP key and the deployment token at sign-in", async () => {
    const bad = await request("POST", "/dashboard/signin", { form: { key: "tg_adm_nope" } });
    expect(bad.status).toBe(401);
    expect(bad.html).toContain("Invalid or revoked API key");
    expect(bad.setCookie.some((c) => c.startsWith("tg_session="))).toBe(false);
    const mcp = await api("POST", "/org/keys", { token: a.adminKey, body: { scope: "org", name: "mcp" } });
    const r = await request("POST", "/dashboard/signin", { form: { key: mcp.body.secret } });
    expect(r.status).toBe(401);
    expect(r.html).toContain("MCP key");
    expect((await request("POST", "/dashboard/signin", { form: { key: ADMIN_TOKEN } })).status).toBe(401);
  });

  it("sets an HttpOnly, Secure, SameSite=Strict session cookie and shows the org", async () => {
    const r = await request("POST", "/dashboard/signin", { form: { key: a.adminKey } });
    const c = r.setCookie.find((s) => s.startsWith("tg_session="))!;
    expect(c).toMatch(/HttpOnly/);
    expect(c).toMatch(/Secure/);
    expect(c).toMatch(/SameSite=Strict/);
    expect(c).not.toContain(a.adminKey);
    const page = await request("GET", "/dashboard", { cookie: cookieA });
    expect(page.status).toBe(200);
    expect(page.html).toContain("Alpha Co");
  });

  it("treats a tampered cookie as no session", async () => {
    const [name, value] = cookieA.split("=") as [string, string];
    const [payload, sig] = value.split(".") as [string, string];
    const forged = `${name}=${payload}.${sig.slice(0, -2)}${sig.endsWith("AA") ? "BB" : "AA"}`;
    expect((await request("GET", "/dashboard", { cookie: forged })).status).toBe(303);
  });

  it("ends sessions of a key revoked from the dashboard", async () => {
    const k = await api("POST", "/org/keys", { token: a.adminKey, body: { scope: "admin", name: "second" } });
    const cookie2 = await signIn(k.body.secret);
    expect((await request("GET", "/dashboard", { cookie: cookie2 })).status).toBe(200);
    const r = await post(cookieA, `/dashboard/keys/${k.body.id}/revoke`, {}, "/dashboard/keys");
    expect(r.status).toBe(303);
    expect((await request("GET", "/dashboard", { cookie: cookie2 })).status).toBe(303);
    expect((await request("GET", "/dashboard", { cookie: cookieA })).status).toBe(200);
  });
});

describe("CSRF", () => {
  it("answers 403 to a form post without the session's token", async () => {
    const r = await request("POST", "/dashboard/agents", { cookie: cookieA, form: { name: "no-token" } });
    expect(r.status).toBe(403);
    const wrong = await request("POST", "/dashboard/agents", {
      cookie: cookieA,
      form: { name: "wrong-token", _csrf: "x".repeat(43) },
    });
    expect(wrong.status).toBe(403);
  });

  it("answers 403 to a cross-origin post even with the token", async () => {
    const token = csrfOf((await request("GET", "/dashboard", { cookie: cookieA })).html);
    const r = await request("POST", "/dashboard/agents", {
      cookie: cookieA,
      form: { name: "cross-site", _csrf: token },
      origin: "https://evil.example",
    });
    expect(r.status).toBe(403);
  });

  it("accepts a same-origin post with the token", async () => {
    const r = await post(cookieA, "/dashboard/agents", { name: "with-token" });
    expect(r.status).toBe(303);
    const list = await request("GET", "/dashboard/agents", { cookie: cookieA });
    expect(list.html).toContain("with-token");
    expect(list.html).not.toContain("no-token");
    expect(list.html).not.toContain("cross-site");
  });
});

describe("tenant isolation", () => {
  it("answers 404 for another org's rows by id, without their data", async () => {
    const paths = [
      `/dashboard/approvals/${bIds.approval}`,
      `/dashboard/transactions/${bIds.tx}`,
      `/dashboard/agents/${bIds.agent}`,
      `/dashboard/policies/${bIds.policy}`,
      `/dashboard/webhooks/${bIds.webhook}`,
      `/dashboard/policies?from=${bIds.policy}`,
    ];
    for (const path of paths) {
      const r = await request("GET", path, { cookie: cookieA });
      expect(r.status, path).toBe(404);
      expect(r.html).not.toContain("beta_secret_tool");
      expect(r.html).not.toContain("beta-secret");
    }
  });

  it("lists only the session's org", async () => {
    for (const path of [
      "/dashboard",
      "/dashboard/approvals",
      "/dashboard/transactions",
      "/dashboard/agents",
    ]) {
      const r = await request("GET", path, { cookie: cookieA });
      expect(r.status, path).toBe(200);
      expect(r.html).not.toContain("beta");
    }
    const csv = await request("GET", "/dashboard/transactions.csv", { cookie: cookieA });
    expect(csv.html).not.toContain(bIds.tx);
  });

  it("cannot decide, revoke or activate another org's rows", async () => {
    const d = await post(cookieA, `/dashboard/approvals/${bIds.approval}/decide`, { decision: "approved" });
    expect(d.status).toBe(303);
    expect(d.setCookie.join()).toContain("tg_flash=");
    const still = await api("GET", "/org/approvals", { token: b.adminKey });
    expect(still.body.data.find((x: { id: string }) => x.id === bIds.approval).status).toBe("pending");
    const act = await post(cookieA, `/dashboard/policies/${bIds.policy}/activate`, {});
    expect(act.status).toBe(303);
    const pol = await api("GET", `/org/policies/${bIds.policy}`, { token: b.adminKey });
    expect(pol.body.active).toBe(false);
  });
});

describe("pages", () => {
  it("shows a policy's compile errors at their line", async () => {
    const r = await post(cookieA, "/dashboard/policies", {
      action: "save",
      source: 'version: "1"\ntools:\n  search:\n    rules:\n      - name: x\n        action: explode\n',
    });
    expect(r.status).toBe(422);
    expect(r.html).toMatch(/line \d+:\d+/);
    expect(r.html).toMatch(/class="ln err" id="L\d+"/);
  });

  it("approves an approval and shows it decided", async () => {
    const agentId = await newAgent(a.adminKey, "approver-test");
    const id = await insertApproval(a.orgId, agentId, { tool: "alpha_report" });
    const list = await request("GET", "/dashboard/approvals", { cookie: cookieA });
    expect(list.html).toContain("25.00 USD");
    const r = await post(cookieA, `/dashboard/approvals/${id}/decide`, {
      decision: "approved",
      note: "ok by me",
    });
    expect(r.status).toBe(303);
    const after = await api("GET", "/org/approvals?status=all", { token: a.adminKey });
    const row = after.body.data.find((x: { id: string }) => x.id === id);
    expect(row.status).toBe("approved");
    expect(row.note).toBe("ok by me");
  });

  it("offers a max price for an unpriced approval and records it as the ceiling", async () => {
    const agentId = await newAgent(a.adminKey, "ceiling-test");
    const priced = await insertApproval(a.orgId, agentId, { tool: "priced_tool" });
    const id = await insertApproval(a.orgId, agentId, {
      tool: "unpriced_tool",
      amount: null,
      currency: null,
      decimals: null,
    });
    const list = await request("GET", "/dashboard/approvals", { cookie: cookieA });
    expect(list.html).toContain(`id="max-${id}"`);
    expect(list.html).not.toContain(`id="max-${priced}"`);
    const bad = await post(cookieA, `/dashboard/approvals/${id}/decide`, {
      decision: "approved",
      maxAmount: "12.00",
      maxCurrency: "NOPE",
    });
    expect(bad.status).toBe(303);
    expect(decodeURIComponent(decodeURIComponent(bad.setCookie.join()))).toContain("unknown currency NOPE");
    const ok = await post(cookieA, `/dashboard/approvals/${id}/decide`, {
      decision: "approved",
      maxAmount: "12.00",
      maxCurrency: "PATHUSD",
    });
    expect(ok.status).toBe(303);
    const after = await api("GET", "/org/approvals?status=all", { token: a.adminKey });
    const row = after.body.data.find((x: { id: string }) => x.id === id);
    expect(row).toMatchObject({ status: "approved", maxPrice: { amount: "12000000", currency: "PATHUSD" } });
    const detail = await request("GET", `/dashboard/approvals/${id}`, { cookie: cookieA });
    expect(detail.html).toContain("12.00 pathUSD");
    expect(detail.html).toContain('title="12000000 base units (6 decimals)"');
  });

  it("sets an agent's inline approvals: org setting, on, off", async () => {
    const agentId = await newAgent(a.adminKey, "inline-test");
    const page = await request("GET", `/dashboard/agents/${agentId}`, { cookie: cookieA });
    expect(page.html).toMatch(/<option value="org" selected/);
    const on = await post(
      cookieA,
      `/dashboard/agents/${agentId}/inline-approvals`,
      { inlineApprovals: "on" },
      `/dashboard/agents/${agentId}`,
    );
    expect(on.status).toBe(303);
    expect((await api("GET", `/org/agents/${agentId}`, { token: a.adminKey })).body.inlineApprovals).toBe(
      true,
    );
    await post(
      cookieA,
      `/dashboard/agents/${agentId}/inline-approvals`,
      { inlineApprovals: "org" },
      `/dashboard/agents/${agentId}`,
    );
    expect((await api("GET", `/org/agents/${agentId}`, { token: a.adminKey })).body.inlineApprovals).toBe(
      null,
    );
    const bad = await post(
      cookieA,
      `/dashboard/agents/${agentId}/inline-approvals`,
      { inlineApprovals: "maybe" },
      `/dashboard/agents/${agentId}`,
    );
    expect(decodeURIComponent(decodeURIComponent(bad.setCookie.join()))).toContain(
      "Choose the org setting, on or off",
    );
  });
});
