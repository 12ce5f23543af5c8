// Orgs, org settings and API keys.
import { describe, expect, it } from "vitest";
import { api, expectError, newAgent, newOrg } from "./helpers";

describe("orgs", () => {
  it("creates an org with a first admin key shown once, and lists it", async () => {
    const r = await api("POST", "/orgs", { body: { name: "Acme", timeZone: "America/New_York" } });
    expect(r.status).toBe(201);
    expect(r.body.org).toMatchObject({
      name: "Acme",
      timeZone: "America/New_York",
      settings: { conversions: [], budgetWarningThreshold: 80, inlineApprovals: false },
    });
    expect(r.body.key).toMatchObject({ scope: "admin", agentId: null, revokedAt: null });
    expect(r.body.key.secret).toMatch(/^tg_adm_[A-Za-z0-9]{32}$/);
    const list = await api("GET", "/orgs");
    expect(list.status).toBe(200);
    expect(list.body.data.map((o: { id: string }) => o.id)).toContain(r.body.org.id);
    expect(JSON.stringify(list.body)).not.toContain(r.body.key.secret);
  });

  it("rejects a bad time zone and a missing name, naming the fields", async () => {
    const r = await api("POST", "/orgs", { body: { timeZone: "Mars/Olympus" } });
    expectError(r, 400, "VALIDATION_FAILED");
    const paths = r.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["name", "timeZone"]));
  });

  it("rejects a body that is not JSON", async () => {
    expectError(await api("POST", "/orgs", { raw: "{nope" }), 400, "BAD_REQUEST");
  });

  it("reads and patches settings through /orgs/:orgId and /org", async () => {
    const { orgId, adminKey } = await newOrg();
    const patch = await api("PATCH", `/orgs/${orgId}`, {
      token: adminKey,
      body: {
        name: "Renamed",
        settings: { conversions: [{ from: "usd", to: "USDC", rate: "1" }], budgetWarningThreshold: 90 },
      },
    });
    expect(patch.status).toBe(200);
    expect(patch.body).toMatchObject({
      name: "Renamed",
      settings: { conversions: [{ from: "USD", to: "USDC", rate: "1" }], budgetWarningThreshold: 90 },
    });
    const mine = await api("GET", "/org", { token: adminKey });
    expect(mine.body).toEqual(patch.body);
  });

  it("turns inline approvals on and off (off by default), keeping the other settings", async () => {
    const { adminKey } = await newOrg();
    expect((await api("GET", "/org", { token: adminKey })).body.settings.inlineApprovals).toBe(false);
    const on = await api("PATCH", "/org", { token: adminKey, body: { settings: { inlineApprovals: true } } });
    expect(on.status).toBe(200);
    expect(on.body.settings).toEqual({
      conversions: [],
      budgetWarningThreshold: 80,
      inlineApprovals: true,
      requireOAuth: false,
      alerts: {
        velocity: {
          enabled: false,
          windowMinutes: 10,
          baselineHours: 24,
          multiplePercent: 300,
          minPayments: 3,
          minSpend: [],
          perAgent: false,
        },
        newPayee: { enabled: false, perAgent: false },
      },
    });
    const other = await api("PATCH", "/org", {
      token: adminKey,
      body: { settings: { budgetWarningThreshold: 50 } },
    });
    expect(other.body.settings).toMatchObject({ budgetWarningThreshold: 50, inlineApprovals: true });
    const off = await api("PATCH", "/org", {
      token: adminKey,
      body: { settings: { inlineApprovals: false } },
    });
    expect(off.body.settings.inlineApprovals).toBe(false);
    const bad = await api("PATCH", "/org", {
      token: adminKey,
      body: { settings: { inlineApprovals: "yes" } },
    });
    expectError(bad, 400, "VALIDATION_FAILED");
    expect(bad.body.error.details[0].path).toBe("settings.inlineApprovals");
    const oauthOnly = await api("PATCH", "/org", {
      token: adminKey,
      body: { settings: { requireOAuth: true } },
    });
    expect(oauthOnly.body.settings).toMatchObject({ requireOAuth: true, budgetWarningThreshold: 50 });
  });

  it("rejects a zero rate, an out-of-range threshold and an unknown settings key", async () => {
    const { adminKey } = await newOrg();
    const rate = await api("PATCH", "/org", {
      token: adminKey,
      body: { settings: { conversions: [{ from: "USD", to: "EUR", rate: "0" }] } },
    });
    expectError(rate, 400, "VALIDATION_FAILED");
    expect(rate.body.error.details[0].path).toBe("settings.conversions[0].rate");
    const thr = await api("PATCH", "/org", {
      token: adminKey,
      body: { settings: { budgetWarningThreshold: 101 } },
    });
    expect(thr.body.error.details[0].path).toBe("settings.budgetWarningThreshold");
    const tz = await api("PATCH", "/org", { token: adminKey, body: { timeZone: "Nowhere/Land" } });
    expect(tz.body.error.details[0].path).toBe("timeZone");
    const extra = await api("PATCH", "/org", { token: adminKey, body: { plan: "pro" } });
    expectError(extra, 400, "VALIDATION_FAILED");
  });
});

describe("keys", () => {
  it("creates keys of each scope, lists them without secrets or hashes", async () => {
    const { adminKey } = await newOrg();
    const agentId = await newAgent(adminKey, "bot");
    const created = [
      await api("POST", "/org/keys", { token: adminKey, body: { scope: "org", name: "claude" } }),
      await api("POST", "/org/keys", { token: adminKey, body: { scope: "agent", agentId, name: "bot key" } }),
      await api("POST", "/org/keys", { token: adminKey, body: { scope: "admin" } }),
    ];
    for (const c of created) expect(c.status).toBe(201);
    expect(created[1]!.body).toMatchObject({ scope: "agent", agentId, name: "bot key" });
    expect(created[0]!.body.secret).toMatch(/^tg_org_/);
    const list = await api("GET", "/org/keys", { token: adminKey });
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(4);
    const text = JSON.stringify(list.body);
    for (const c of created) expect(text).not.toContain(c.body.secret);
    expect(text).not.toContain(adminKey);
    for (const k of list.body.data) {
      expect(Object.keys(k).sort()).toEqual([
        "agentId",
        "createdAt",
        "id",
        "lastUsedAt",
        "name",
        "prefix",
        "revokedAt",
        "scope",
      ]);
    }
  });

  it("requires agentId for agent keys and refuses it on others", async () => {
    const { adminKey } = await newOrg();
    const a = await api("POST", "/org/keys", { token: adminKey, body: { scope: "agent" } });
    expectError(a, 400, "VALIDATION_FAILED");
    expect(a.body.error.details[0].path).toBe("agentId");
    const b = await api("POST", "/org/keys", { token: adminKey, body: { scope: "org", agentId: "agt_x" } });
    expect(b.body.error.details[0].path).toBe("agentId");
    const c = await api("POST", "/org/keys", { token: adminKey, body: { scope: "root" } });
    expect(c.body.error.details[0].path).toBe("scope");
  });

  it("answers 404 for an agent key naming an unknown agent", async () => {
    const { adminKey } = await newOrg();
    expectError(
      await api("POST", "/org/keys", { token: adminKey, body: { scope: "agent", agentId: "agt_nope" } }),
      404,
      "NOT_FOUND",
    );
  });

  it("revokes idempotently and 404s for unknown key ids", async () => {
    const { adminKey } = await newOrg();
    const k = await api("POST", "/org/keys", { token: adminKey, body: { scope: "org" } });
    const first = await api("POST", `/org/keys/${k.body.id}/revoke`, { token: adminKey });
    const again = await api("POST", `/org/keys/${k.body.id}/revoke`, { token: adminKey });
    expect(again.body.revokedAt).toBe(first.body.revokedAt);
    expectError(await api("POST", "/org/keys/key_nope/revoke", { token: adminKey }), 404, "NOT_FOUND");
  });

  it("records lastUsedAt when an admin key is used", async () => {
    const { adminKey } = await newOrg();
    await api("GET", "/org", { token: adminKey });
    const list = await api("GET", "/org/keys", { token: adminKey });
    expect(list.body.data[0].lastUsedAt).toEqual(expect.any(Number));
  });
});
