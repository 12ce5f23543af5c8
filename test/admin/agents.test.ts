// Agents (CRUD, unique names, one default) and their append-only mandates in major units.
import { describe, expect, it } from "vitest";
import { api, expectError, newAgent, newOrg } from "./helpers";

describe("agents", () => {
  it("creates, lists, reads, updates and deletes an agent", async () => {
    const { adminKey } = await newOrg();
    const c = await api("POST", "/org/agents", {
      token: adminKey,
      body: { name: "research-bot", description: "Finds papers" },
    });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({
      name: "research-bot",
      description: "Finds papers",
      status: "active",
      isDefault: false,
      governanceTools: true,
    });
    const id = c.body.id;
    expect((await api("GET", "/org/agents", { token: adminKey })).body.data).toHaveLength(1);
    const one = await api("GET", `/org/agents/${id}`, { token: adminKey });
    expect(one.body).toMatchObject({ id, mandate: null });
    const p = await api("PATCH", `/org/agents/${id}`, {
      token: adminKey,
      body: { status: "paused", governanceTools: false },
    });
    expect(p.body).toMatchObject({ status: "paused", governanceTools: false, updatedAt: expect.any(Number) });
    const d = await api("DELETE", `/org/agents/${id}`, { token: adminKey });
    expect(d.body).toEqual({ id, deleted: true });
    expectError(await api("GET", `/org/agents/${id}`, { token: adminKey }), 404, "NOT_FOUND");
  });

  it("takes inlineApprovals on create and update (null: the org's setting)", async () => {
    const { adminKey } = await newOrg();
    const plain = await api("POST", "/org/agents", { token: adminKey, body: { name: "plain" } });
    expect(plain.body.inlineApprovals).toBe(null);
    const on = await api("POST", "/org/agents", {
      token: adminKey,
      body: { name: "asks-inline", inlineApprovals: true },
    });
    expect(on.status).toBe(201);
    expect(on.body.inlineApprovals).toBe(true);
    const id = on.body.id;
    const off = await api("PATCH", `/org/agents/${id}`, {
      token: adminKey,
      body: { inlineApprovals: false },
    });
    expect(off.body.inlineApprovals).toBe(false);
    expect((await api("GET", `/org/agents/${id}`, { token: adminKey })).body.inlineApprovals).toBe(false);
    const reset = await api("PATCH", `/org/agents/${id}`, {
      token: adminKey,
      body: { inlineApprovals: null },
    });
    expect(reset.body.inlineApprovals).toBe(null);
    const bad = await api("PATCH", `/org/agents/${id}`, { token: adminKey, body: { inlineApprovals: 1 } });
    expectError(bad, 400, "VALIDATION_FAILED");
    expect(bad.body.error.details[0].path).toBe("inlineApprovals");
  });

  it("answers 409 for a duplicate name, on create and on rename", async () => {
    const { adminKey } = await newOrg();
    await newAgent(adminKey, "alpha");
    const b = await newAgent(adminKey, "beta");
    expectError(
      await api("POST", "/org/agents", { token: adminKey, body: { name: "alpha" } }),
      409,
      "CONFLICT",
    );
    expectError(
      await api("PATCH", `/org/agents/${b}`, { token: adminKey, body: { name: "alpha" } }),
      409,
      "CONFLICT",
    );
    expect((await api("PATCH", `/org/agents/${b}`, { token: adminKey, body: { name: "beta" } })).status).toBe(
      200,
    );
  });

  it("keeps at most one default agent", async () => {
    const { adminKey } = await newOrg();
    const a = await newAgent(adminKey, "a", { isDefault: true });
    const b = await newAgent(adminKey, "b", { isDefault: true });
    const list = await api("GET", "/org/agents", { token: adminKey });
    const defaults = list.body.data
      .filter((x: { isDefault: boolean }) => x.isDefault)
      .map((x: { id: string }) => x.id);
    expect(defaults).toEqual([b]);
    await api("PATCH", `/org/agents/${a}`, { token: adminKey, body: { isDefault: true } });
    const again = await api("GET", "/org/agents", { token: adminKey });
    expect(
      again.body.data.filter((x: { isDefault: boolean }) => x.isDefault).map((x: { id: string }) => x.id),
    ).toEqual([a]);
  });

  it("validates the name pattern and the status", async () => {
    const { adminKey } = await newOrg();
    const bad = await api("POST", "/org/agents", { token: adminKey, body: { name: "Bad Name" } });
    expectError(bad, 400, "VALIDATION_FAILED");
    expect(bad.body.error.details[0].path).toBe("name");
    const st = await api("POST", "/org/agents", {
      token: adminKey,
      body: { name: "ok", status: "sleeping" },
    });
    expect(st.body.error.details[0].path).toBe("status");
  });

  it("revokes the agent's keys when the agent is deleted", async () => {
    const { adminKey } = await newOrg();
    const id = await newAgent(adminKey, "temp");
    await api("POST", "/org/keys", { token: adminKey, body: { scope: "agent", agentId: id } });
    await api("DELETE", `/org/agents/${id}`, { token: adminKey });
    const keys = await api("GET", "/org/keys", { token: adminKey });
    const agentKey = keys.body.data.find((k: { agentId: string | null }) => k.agentId === id);
    expect(agentKey.revokedAt).toEqual(expect.any(Number));
  });
});

describe("mandates", () => {
  const body = {
    currency: "USD",
    timeZone: "Europe/Paris",
    budgets: { daily: "50.00", monthly: 500 },
    perTransactionLimit: "5.00",
    approvalThreshold: "2.5",
    vendorDeny: ["evil.example"],
    rateLimits: [{ count: 10, window: "minute" }],
    timeWindows: [{ days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" }],
  };

  it("stores major units as exact base units and shows them back with display strings", async () => {
    const { adminKey } = await newOrg();
    const agentId = await newAgent(adminKey, "buyer");
    const r = await api("PUT", `/org/agents/${agentId}/mandate`, { token: adminKey, body });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      agentId,
      version: 1,
      active: true,
      currency: "USD",
      decimals: 2,
      timeZone: "Europe/Paris",
    });
    expect(r.body.budgets.daily).toEqual({
      amount: "5000",
      currency: "USD",
      decimals: 2,
      display: "50.00 USD",
    });
    expect(r.body.budgets.monthly.amount).toBe("50000");
    expect(r.body.budgets.weekly).toBeNull();
    expect(r.body.perTransactionLimit.amount).toBe("500");
    expect(r.body.approvalThreshold.display).toBe("2.50 USD");
    const agent = await api("GET", `/org/agents/${agentId}`, { token: adminKey });
    expect(agent.body.mandate.id).toBe(r.body.id);
  });

  it("appends a version on every PUT and keeps history", async () => {
    const { adminKey } = await newOrg();
    const agentId = await newAgent(adminKey, "buyer");
    await api("PUT", `/org/agents/${agentId}/mandate`, { token: adminKey, body });
    const v2 = await api("PUT", `/org/agents/${agentId}/mandate`, {
      token: adminKey,
      body: { currency: "USDC", budgets: { daily: "1.000001" } },
    });
    expect(v2.body).toMatchObject({ version: 2, decimals: 6, budgets: { daily: { amount: "1000001" } } });
    const current = await api("GET", `/org/agents/${agentId}/mandate`, { token: adminKey });
    expect(current.body.id).toBe(v2.body.id);
    const versions = await api("GET", `/org/agents/${agentId}/mandate/versions`, { token: adminKey });
    expect(
      versions.body.data.map((m: { version: number; active: boolean }) => [m.version, m.active]),
    ).toEqual([
      [2, true],
      [1, false],
    ]);
  });

  it("rejects negative, over-precise and malformed amounts, naming the field", async () => {
    const { adminKey } = await newOrg();
    const agentId = await newAgent(adminKey, "buyer");
    const cases: [Record<string, unknown>, string][] = [
      [{ currency: "USD", budgets: { daily: "-1.00" } }, "budgets.daily"],
      [{ currency: "USD", perTransactionLimit: "0.001" }, "perTransactionLimit"],
      [{ currency: "USD", budgets: { weekly: "ten" } }, "budgets.weekly"],
      [{ currency: "ZZZ" }, "currency"],
      [{ currency: "USD", timeZone: "Moon/Base" }, "timeZone"],
      [{ currency: "USD", rateLimits: [{ count: 0, window: "minute" }] }, "rateLimits[0].count"],
      [{ currency: "USD", active: false }, "active"],
    ];
    for (const [b, path] of cases) {
      const r = await api("PUT", `/org/agents/${agentId}/mandate`, { token: adminKey, body: b });
      expectError(r, 400, "VALIDATION_FAILED");
      expect(r.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expectError(await api("GET", `/org/agents/${agentId}/mandate`, { token: adminKey }), 404, "NOT_FOUND");
  });

  it("accepts an unknown currency when decimals are given", async () => {
    const { adminKey } = await newOrg();
    const agentId = await newAgent(adminKey, "buyer");
    const r = await api("PUT", `/org/agents/${agentId}/mandate`, {
      token: adminKey,
      body: { currency: "credits", decimals: 0, budgets: { total: "100" } },
    });
    expect(r.body).toMatchObject({
      currency: "CREDITS",
      decimals: 0,
      budgets: { total: { amount: "100", display: "100 CREDITS" } },
    });
  });
});
