// Policies: upload with compile errors located by line and column, versions, activation, dry runs.
import { describe, expect, it } from "vitest";
import { api, expectError, newAgent, newOrg } from "./helpers";

const POLICY = `version: "1"
currency: USD
tools:
  "*":
    rules:
      - name: "per-call cap"
        spend:
          per_call: 5.00
      - name: "daily budget"
        spend:
          daily: 100.00
`;

const SHADOW = `version: "1"
mode: shadow
default: deny
`;

describe("policies", () => {
  it("stores compiled versions; activation keeps exactly one active", async () => {
    const { adminKey } = await newOrg();
    const v1 = await api("POST", "/org/policies", {
      token: adminKey,
      body: { source: POLICY, activate: true },
    });
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({ version: 1, mode: "enforce", active: true, source: POLICY });
    expect(v1.body.compiled.currency).toEqual({ code: "USD", decimals: 2 });
    const v2 = await api("POST", "/org/policies", { token: adminKey, body: { source: SHADOW } });
    expect(v2.body).toMatchObject({ version: 2, mode: "shadow", active: false });
    const list = await api("GET", "/org/policies", { token: adminKey });
    expect(list.body.data.map((p: { version: number; active: boolean }) => [p.version, p.active])).toEqual([
      [2, false],
      [1, true],
    ]);
    expect(list.body.data[0].source).toBeUndefined();
    const act = await api("POST", `/org/policies/${v2.body.id}/activate`, { token: adminKey });
    expect(act.body.active).toBe(true);
    const after = await api("GET", "/org/policies", { token: adminKey });
    expect(
      after.body.data.filter((p: { active: boolean }) => p.active).map((p: { id: string }) => p.id),
    ).toEqual([v2.body.id]);
    const one = await api("GET", `/org/policies/${v1.body.id}`, { token: adminKey });
    expect(one.body).toMatchObject({ id: v1.body.id, active: false, source: POLICY });
  });

  it("accepts JSON policies", async () => {
    const { adminKey } = await newOrg();
    const r = await api("POST", "/org/policies", {
      token: adminKey,
      body: { source: JSON.stringify({ version: "1", default: "allow" }), format: "json" },
    });
    expect(r.status).toBe(201);
  });

  it("returns the engine's line/column errors for invalid YAML", async () => {
    const { adminKey } = await newOrg();
    const broken =
      'version: "1"\ntools:\n  search:\n    rules:\n      - name: cap\n        spend: { per_call: [1, 2\n';
    const r = await api("POST", "/org/policies", { token: adminKey, body: { source: broken } });
    expectError(r, 400, "VALIDATION_FAILED");
    expect(r.body.error.details.length).toBeGreaterThan(0);
    expect(r.body.error.details[0]).toEqual({
      line: expect.any(Number),
      column: expect.any(Number),
      path: expect.any(String),
      message: expect.any(String),
    });
  });

  it("points a schema error at its line, column and path", async () => {
    const { adminKey } = await newOrg();
    const src =
      'version: "1"\ntools:\n  search:\n    rules:\n      - name: cap\n        spend:\n          per_kall: 5\n';
    const r = await api("POST", "/org/policies", { token: adminKey, body: { source: src } });
    expectError(r, 400, "VALIDATION_FAILED");
    const d = r.body.error.details.find((e: { path: string }) => e.path.includes("per_kall"));
    expect(d).toMatchObject({ line: 7, path: "tools.search.rules[0].spend.per_kall" });
    expect(r.body.error.message).toContain("7:");
    expect((await api("GET", "/org/policies", { token: adminKey })).body.data).toHaveLength(0);
  });

  it("validates the upload body itself", async () => {
    const { adminKey } = await newOrg();
    const r = await api("POST", "/org/policies", { token: adminKey, body: { source: "", format: "toml" } });
    expect(r.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(["format", "source"]);
  });

  it("404s for unknown policy ids", async () => {
    const { adminKey } = await newOrg();
    expectError(await api("GET", "/org/policies/pol_nope", { token: adminKey }), 404, "NOT_FOUND");
    expectError(await api("POST", "/org/policies/pol_nope/activate", { token: adminKey }), 404, "NOT_FOUND");
  });
});

describe("policy dry run", () => {
  const price = (amount: string) => ({ amount, currency: "USD", decimals: 2 });

  it("evaluates uploaded text without storing it", async () => {
    const { adminKey } = await newOrg();
    const over = await api("POST", "/org/policies/evaluate", {
      token: adminKey,
      body: { source: POLICY, call: { tool: "search", args: { q: "x" }, price: price("600") } },
    });
    expect(over.status).toBe(200);
    expect(over.body.decision.action).toBe("deny");
    expect(over.body.decision.denial.code).toBe("per_call_limit");
    const ok = await api("POST", "/org/policies/evaluate", {
      token: adminKey,
      body: { source: POLICY, call: { tool: "search", price: price("100") }, now: 1_700_000_000_000 },
    });
    expect(ok.body.decision.action).toBe("allow");
    expect(ok.body.decision.scopes[0]).toMatchObject({ kind: "money", amount: "100", limit: "10000" });
    expect((await api("GET", "/org/policies", { token: adminKey })).body.data).toHaveLength(0);
  });

  it("uses the active policy by default, a stored version by id, and the agent's mandate", async () => {
    const { adminKey } = await newOrg();
    const stored = await api("POST", "/org/policies", {
      token: adminKey,
      body: { source: POLICY, activate: true },
    });
    const agentId = await newAgent(adminKey, "buyer");
    await api("PUT", `/org/agents/${agentId}/mandate`, {
      token: adminKey,
      body: { currency: "USD", perTransactionLimit: "1.00" },
    });
    const byActive = await api("POST", "/org/policies/evaluate", {
      token: adminKey,
      body: { call: { tool: "t", price: price("200") } },
    });
    expect(byActive.body.policy).toEqual({ id: stored.body.id, version: 1 });
    expect(byActive.body.decision.action).toBe("allow");
    const withMandate = await api("POST", "/org/policies/evaluate", {
      token: adminKey,
      body: { policyId: stored.body.id, call: { tool: "t", agentId, price: price("200") } },
    });
    expect(withMandate.body.mandate.version).toBe(1);
    expect(withMandate.body.decision).toMatchObject({
      action: "deny",
      denial: { source: "mandate", code: "per_call_limit" },
    });
  });

  it("refuses source and policyId together, bad prices and unknown agents", async () => {
    const { adminKey } = await newOrg();
    const both = await api("POST", "/org/policies/evaluate", {
      token: adminKey,
      body: { source: POLICY, policyId: "pol_x", call: { tool: "t" } },
    });
    expect(both.body.error.details[0].path).toBe("policyId");
    const bad = await api("POST", "/org/policies/evaluate", {
      token: adminKey,
      body: { call: { tool: "t", price: { amount: "1.5", currency: "USD", decimals: 2 } } },
    });
    expect(bad.body.error.details[0].path).toBe("call.price.amount");
    expectError(
      await api("POST", "/org/policies/evaluate", {
        token: adminKey,
        body: { call: { tool: "t", agentId: "agt_nope" } },
      }),
      404,
      "NOT_FOUND",
    );
  });
});

describe("policy warnings", () => {
  const WARNED = `version: "1"
hide:
  - tollgate_list_agents
  - ghost_tool
  - "img_*"
tools:
  paid_echo:
    rules: []
  "generate_*":
    rules: []
  "*":
    rules: []
  nope:
    rules: []
  down__anything:
    rules: []
`;

  it("lists tool keys and hide entries that match no tool, and names an unreachable upstream once", async () => {
    const { adminKey } = await newOrg();
    await api("POST", "/org/upstreams", {
      token: adminKey,
      body: { namespace: "paid", url: "https://paid.example/mcp" },
    });
    await api("POST", "/org/upstreams", {
      token: adminKey,
      body: { namespace: "down", url: "https://down.example/nothing/mcp" },
    });
    const r = await api("POST", "/org/policies", { token: adminKey, body: { source: WARNED } });
    expect(r.status).toBe(201);
    expect(r.body.warnings.map((w: { path: string; message: string }) => [w.path, w.message])).toEqual([
      ["", "catalogue incomplete: down unreachable"],
      ["tools.nope", expect.stringContaining('tool key "nope" matches no tool')],
      ["hide[1]", expect.stringContaining('hide entry "ghost_tool" matches no tool')],
      ["hide[2]", expect.stringContaining('hide entry "img_*" matches no tool')],
    ]);
    expect(r.body.warnings[1]).toMatchObject({ line: 13 });
    const dry = await api("POST", "/org/policies/evaluate", {
      token: adminKey,
      body: { source: WARNED, call: { tool: "paid_echo" } },
    });
    expect(dry.body.warnings).toHaveLength(4);
  });

  it("warns about every tool key of an org without upstreams except tollgate_*", async () => {
    const { adminKey } = await newOrg();
    const r = await api("POST", "/org/policies", {
      token: adminKey,
      body: {
        source:
          'version: "1"\ntools:\n  tollgate_reserve:\n    rules: []\n  generate_image:\n    rules: []\n',
      },
    });
    expect(r.body.warnings.map((w: { path: string }) => w.path)).toEqual(["tools.generate_image"]);
  });
});
