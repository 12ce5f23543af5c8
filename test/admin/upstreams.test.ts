// Upstreams (SSRF-checked URLs, write-only headers, tool prices in major units) and webhook endpoints.
import { describe, expect, it } from "vitest";
import { api, expectError, insertDelivery, newAgent, newOrg } from "./helpers";

describe("upstreams", () => {
  it("creates an upstream, never returning header values, with tool prices in base units", async () => {
    const { adminKey } = await newOrg();
    const agentId = await newAgent(adminKey, "bot");
    const r = await api("POST", "/org/upstreams", {
      token: adminKey,
      body: {
        namespace: "search",
        url: "https://search.example/mcp",
        headers: { Authorization: "Bearer upstream-secret-123" },
        agentIds: [agentId],
        toolPrices: {
          web_search: { amount: "0.10", currency: "usd" },
          crawl: { amount: "0.000001", currency: "USDC" },
        },
      },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      namespace: "search",
      url: "https://search.example/mcp",
      headerNames: ["Authorization"],
      agentIds: [agentId],
      status: "active",
    });
    expect(r.body.toolPrices.web_search).toEqual({
      amount: "10",
      currency: "USD",
      decimals: 2,
      display: "0.10 USD",
    });
    expect(r.body.toolPrices.crawl).toEqual({
      amount: "1",
      currency: "USDC",
      decimals: 6,
      display: "0.000001 USDC",
    });
    const list = await api("GET", "/org/upstreams", { token: adminKey });
    const one = await api("GET", `/org/upstreams/${r.body.id}`, { token: adminKey });
    for (const body of [r.body, list.body, one.body])
      expect(JSON.stringify(body)).not.toContain("upstream-secret-123");
  });

  it("refuses private and non-https URLs", async () => {
    const { adminKey } = await newOrg();
    for (const url of [
      "http://search.example/mcp",
      "https://127.0.0.1/mcp",
      "https://10.0.0.5/mcp",
      "https://localhost/mcp",
      "https://u:p@x.example/",
    ]) {
      const r = await api("POST", "/org/upstreams", { token: adminKey, body: { namespace: "x", url } });
      expectError(r, 400, "VALIDATION_FAILED");
      expect(r.body.error.details[0].path).toBe("url");
    }
  });

  it("validates namespace, prices and unknown agents", async () => {
    const { adminKey } = await newOrg();
    const ns = await api("POST", "/org/upstreams", {
      token: adminKey,
      body: { namespace: "Bad_NS", url: "https://a.example" },
    });
    expect(ns.body.error.details[0].path).toBe("namespace");
    const neg = await api("POST", "/org/upstreams", {
      token: adminKey,
      body: {
        namespace: "a",
        url: "https://a.example",
        toolPrices: { t: { amount: "-1", currency: "USD" } },
      },
    });
    expect(neg.body.error.details[0].path).toBe("toolPrices.t.amount");
    const unk = await api("POST", "/org/upstreams", {
      token: adminKey,
      body: {
        namespace: "a",
        url: "https://a.example",
        toolPrices: { t: { amount: "1", currency: "GOLD" } },
      },
    });
    expect(unk.body.error.details[0].path).toBe("toolPrices.t.currency");
    expectError(
      await api("POST", "/org/upstreams", {
        token: adminKey,
        body: { namespace: "a", url: "https://a.example", agentIds: ["agt_nope"] },
      }),
      404,
      "NOT_FOUND",
    );
  });

  it("answers 409 for a duplicate namespace", async () => {
    const { adminKey } = await newOrg();
    await api("POST", "/org/upstreams", {
      token: adminKey,
      body: { namespace: "dup", url: "https://a.example/mcp" },
    });
    expectError(
      await api("POST", "/org/upstreams", {
        token: adminKey,
        body: { namespace: "dup", url: "https://b.example/mcp" },
      }),
      409,
      "CONFLICT",
    );
  });

  it("patches, disables and deletes", async () => {
    const { adminKey } = await newOrg();
    const c = await api("POST", "/org/upstreams", {
      token: adminKey,
      body: { namespace: "a", url: "https://a.example/mcp", headers: { "X-Key": "k1" } },
    });
    const p = await api("PATCH", `/org/upstreams/${c.body.id}`, {
      token: adminKey,
      body: {
        url: "https://b.example/mcp",
        headers: { "X-Other": "k2" },
        status: "disabled",
        agentIds: null,
      },
    });
    expect(p.body).toMatchObject({
      url: "https://b.example/mcp",
      headerNames: ["X-Other"],
      status: "disabled",
      agentIds: null,
    });
    const bad = await api("PATCH", `/org/upstreams/${c.body.id}`, {
      token: adminKey,
      body: { url: "https://192.168.1.1/" },
    });
    expect(bad.body.error.details[0].path).toBe("url");
    expect((await api("DELETE", `/org/upstreams/${c.body.id}`, { token: adminKey })).body).toEqual({
      id: c.body.id,
      deleted: true,
    });
    expectError(await api("GET", `/org/upstreams/${c.body.id}`, { token: adminKey }), 404, "NOT_FOUND");
  });
});

describe("webhooks", () => {
  it("returns the signing secret once and never again", async () => {
    const { orgId, adminKey } = await newOrg();
    const r = await api("POST", "/org/webhooks", {
      token: adminKey,
      body: { url: "https://hooks.example/tollgate", events: ["budget.warning"] },
    });
    expect(r.status).toBe(201);
    expect(r.body.secret).toMatch(/^whsec_[A-Za-z0-9]{32}$/);
    expect(r.body).toMatchObject({
      url: "https://hooks.example/tollgate",
      events: ["budget.warning"],
      status: "active",
    });
    const list = await api("GET", "/org/webhooks", { token: adminKey });
    expect(list.body.data).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(r.body.secret);
    await insertDelivery(orgId, r.body.id);
    const deliveries = await api("GET", `/org/webhooks/${r.body.id}/deliveries`, { token: adminKey });
    expect(deliveries.body.data).toHaveLength(1);
    expect(deliveries.body.data[0]).toMatchObject({
      endpointId: r.body.id,
      eventType: "budget.warning",
      status: "pending",
    });
    expect((await api("DELETE", `/org/webhooks/${r.body.id}`, { token: adminKey })).status).toBe(200);
    expectError(
      await api("GET", `/org/webhooks/${r.body.id}/deliveries`, { token: adminKey }),
      404,
      "NOT_FOUND",
    );
  });

  it("refuses private URLs and bad event names", async () => {
    const { adminKey } = await newOrg();
    const url = await api("POST", "/org/webhooks", {
      token: adminKey,
      body: { url: "https://169.254.169.254/latest" },
    });
    expect(url.body.error.details[0].path).toBe("url");
    const ev = await api("POST", "/org/webhooks", {
      token: adminKey,
      body: { url: "https://h.example", events: ["Bad Event"] },
    });
    expect(ev.body.error.details[0].path).toBe("events[0]");
  });
});

describe("upstream tool prefixes", () => {
  const add = (token: string, body: Record<string, unknown>) =>
    api("POST", "/org/upstreams", { token, body: { url: "https://u.example/mcp", ...body } });

  it("defaults to no prefix for the org's first upstream and <namespace>__ after, and keeps both", async () => {
    const { adminKey } = await newOrg();
    const first = await add(adminKey, { namespace: "paid" });
    expect(first.body.toolPrefix).toBeNull();
    const second = await add(adminKey, { namespace: "search" });
    expect(second.body.toolPrefix).toBe("search__");
    const custom = await add(adminKey, { namespace: "img", toolPrefix: "img." });
    expect(custom.body.toolPrefix).toBe("img.");
    const again = await api("GET", `/org/upstreams/${first.body.id}`, { token: adminKey });
    expect(again.body.toolPrefix).toBeNull();
    const renamed = await api("PATCH", `/org/upstreams/${second.body.id}`, {
      token: adminKey,
      body: { namespace: "web" },
    });
    expect(renamed.body).toMatchObject({ namespace: "web", toolPrefix: "search__" });
  });

  it("answers 409 for a second unprefixed upstream, a shared prefix, or overlapping prefixes", async () => {
    const { adminKey } = await newOrg();
    await add(adminKey, { namespace: "paid" });
    const b = await add(adminKey, { namespace: "b", toolPrefix: "b__" });
    const twoBare = await add(adminKey, { namespace: "c", toolPrefix: null });
    expectError(twoBare, 409, "CONFLICT");
    expect(twoBare.body.error.message).toContain('"paid" already exposes its tool names unprefixed');
    expectError(await add(adminKey, { namespace: "c", toolPrefix: "b__" }), 409, "CONFLICT");
    const overlap = await add(adminKey, { namespace: "c", toolPrefix: "b__x" });
    expectError(overlap, 409, "CONFLICT");
    expect(overlap.body.error.details).toEqual([
      { path: "toolPrefix", message: expect.stringContaining("overlaps") },
    ]);
    expectError(await add(adminKey, { namespace: "c", toolPrefix: "b" }), 409, "CONFLICT");
    const c = await add(adminKey, { namespace: "c" });
    expect(c.status).toBe(201);
    expectError(
      await api("PATCH", `/org/upstreams/${c.body.id}`, { token: adminKey, body: { toolPrefix: null } }),
      409,
      "CONFLICT",
    );
    expectError(
      await api("PATCH", `/org/upstreams/${c.body.id}`, { token: adminKey, body: { toolPrefix: "b__" } }),
      409,
      "CONFLICT",
    );
    const own = await api("PATCH", `/org/upstreams/${b.body.id}`, {
      token: adminKey,
      body: { toolPrefix: "b__" },
    });
    expect(own.status).toBe(200);
    const bad = await add(adminKey, { namespace: "d", toolPrefix: "has space" });
    expectError(bad, 400, "VALIDATION_FAILED");
  });
});
