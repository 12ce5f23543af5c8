// Transactions (filters, cursor pagination), approvals (state changes, expiry) and budget balances.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ledgerFor } from "../../src/ledger/client";
import { api, expectError, insertApproval, insertTransaction, newAgent, newOrg } from "./helpers";

describe("transactions", () => {
  it("pages newest first through an opaque cursor, ties broken by id", async () => {
    const { orgId, adminKey } = await newOrg();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(
        await insertTransaction(orgId, { id: `tx_${i}`, createdAt: 1_700_000_000_000 + (i < 2 ? 0 : i) }),
      );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : "";
      const page = await api("GET", `/org/transactions?limit=2${q}`, { token: adminKey });
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((t: { id: string }) => t.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["tx_4", "tx_3", "tx_2", "tx_1", "tx_0"]);
  });

  it("filters by agent, tool, status and time (epoch ms or ISO)", async () => {
    const { orgId, adminKey } = await newOrg();
    await insertTransaction(orgId, {
      id: "f1",
      agentId: "agt_a",
      tool: "x",
      status: "committed",
      createdAt: Date.UTC(2024, 0, 1),
    });
    await insertTransaction(orgId, {
      id: "f2",
      agentId: "agt_b",
      tool: "y",
      status: "denied",
      decision: "deny",
      createdAt: Date.UTC(2024, 0, 2),
    });
    await insertTransaction(orgId, {
      id: "f3",
      agentId: "agt_a",
      tool: "y",
      status: "released",
      createdAt: Date.UTC(2024, 0, 3),
    });
    const ids = async (q: string) =>
      (await api("GET", `/org/transactions?${q}`, { token: adminKey })).body.data.map(
        (t: { id: string }) => t.id,
      );
    expect(await ids("agentId=agt_a")).toEqual(["f3", "f1"]);
    expect(await ids("tool=y")).toEqual(["f3", "f2"]);
    expect(await ids("status=denied")).toEqual(["f2"]);
    expect(await ids(`from=${Date.UTC(2024, 0, 2)}&to=2024-01-03T00:00:00Z`)).toEqual(["f2"]);
    const one = await api("GET", "/org/transactions/f1", { token: adminKey });
    expect(one.body).toMatchObject({
      id: "f1",
      price: { amount: "500", currency: "USD", decimals: 2, display: "5.00 USD" },
    });
    expectError(await api("GET", "/org/transactions/nope", { token: adminKey }), 404, "NOT_FOUND");
  });

  it("rejects bad limits, statuses, times and cursors, naming the parameter", async () => {
    const { adminKey } = await newOrg();
    for (const [q, path] of [
      ["limit=0", "limit"],
      ["limit=201", "limit"],
      ["status=won", "status"],
      ["from=yesterday", "from"],
      ["cursor=garbage", "cursor"],
      ["color=red", ""],
    ]) {
      const r = await api("GET", `/org/transactions?${q}`, { token: adminKey });
      expectError(r, 400, "VALIDATION_FAILED");
      expect(r.body.error.details[0].path).toBe(path);
    }
  });
});

describe("approvals", () => {
  it("lists pending by default and approves or rejects with a note", async () => {
    const { orgId, adminKey } = await newOrg();
    const agentId = await newAgent(adminKey, "buyer");
    const a = await insertApproval(orgId, agentId);
    const b = await insertApproval(orgId, agentId);
    await insertApproval(orgId, agentId, { status: "consumed" });
    const pending = await api("GET", "/org/approvals", { token: adminKey });
    expect(pending.body.data.map((x: { id: string }) => x.id).sort()).toEqual([a, b].sort());
    expect(pending.body.data[0].price).toMatchObject({ amount: "2500", display: "25.00 USD" });
    const ok = await api("POST", `/org/approvals/${a}/approve`, { token: adminKey, body: { note: "fine" } });
    expect(ok.body).toMatchObject({ id: a, status: "approved", note: "fine", decidedAt: expect.any(Number) });
    const no = await api("POST", `/org/approvals/${b}/reject`, { token: adminKey });
    expect(no.body).toMatchObject({ status: "rejected", note: null });
    expectError(await api("POST", `/org/approvals/${a}/reject`, { token: adminKey }), 409, "CONFLICT");
    expect((await api("GET", "/org/approvals?status=all", { token: adminKey })).body.data).toHaveLength(3);
    expect((await api("GET", "/org/approvals?status=approved", { token: adminKey })).body.data).toHaveLength(
      1,
    );
  });

  it("answers 409 and marks the approval expired when decided too late", async () => {
    const { orgId, adminKey } = await newOrg();
    const agentId = await newAgent(adminKey, "buyer");
    const id = await insertApproval(orgId, agentId, { expiresAt: 1_000 });
    expectError(await api("POST", `/org/approvals/${id}/approve`, { token: adminKey }), 409, "CONFLICT");
    const list = await api("GET", "/org/approvals?status=expired", { token: adminKey });
    expect(list.body.data.map((x: { id: string }) => x.id)).toEqual([id]);
  });

  it("approves with a price ceiling: a priced approval holds the ceiling, an unpriced one records it", async () => {
    const { orgId, adminKey } = await newOrg();
    const agentId = await newAgent(adminKey, "buyer");
    const priced = await insertApproval(orgId, agentId);
    const ok = await api("POST", `/org/approvals/${priced}/approve`, {
      token: adminKey,
      body: { maxPrice: { amount: "30.00", currency: "usd" } },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      status: "approved",
      price: { amount: "2500", display: "25.00 USD" },
      maxPrice: { amount: "3000", currency: "USD", decimals: 2, display: "30.00 USD" },
    });
    // The hold is the ceiling: the retry may cost up to it.
    await ledgerFor(env, orgId).flush();
    const hold = await env.DB.prepare(
      "SELECT t.amount, t.status, t.approval_id FROM transactions t JOIN approvals a ON a.reservation_id = t.id WHERE a.id = ?",
    )
      .bind(priced)
      .first();
    expect(hold).toEqual({ amount: "3000", status: "reserved", approval_id: priced });

    const unpriced = await insertApproval(orgId, agentId, { amount: null, currency: null, decimals: null });
    const u = await api("POST", `/org/approvals/${unpriced}/approve`, {
      token: adminKey,
      body: { note: "up to 12", maxPrice: { amount: 12, currency: "PATHUSD" } },
    });
    expect(u.body).toMatchObject({
      price: null,
      note: "up to 12",
      maxPrice: { amount: "12000000", currency: "PATHUSD", decimals: 6 },
    });
    // Without a ceiling the view says so.
    const plain = await insertApproval(orgId, agentId, { amount: null, currency: null, decimals: null });
    expect((await api("POST", `/org/approvals/${plain}/approve`, { token: adminKey })).body.maxPrice).toBe(
      null,
    );
  });

  it("refuses a ceiling in another currency, below the price, over-precise or in an unknown currency", async () => {
    const { orgId, adminKey } = await newOrg();
    const agentId = await newAgent(adminKey, "buyer");
    const priced = await insertApproval(orgId, agentId);
    const unpriced = await insertApproval(orgId, agentId, { amount: null, currency: null, decimals: null });
    const approve = (id: string, maxPrice: unknown) =>
      api("POST", `/org/approvals/${id}/approve`, { token: adminKey, body: { maxPrice } });
    const field = (r: Awaited<ReturnType<typeof approve>>) => {
      expectError(r, 400, "VALIDATION_FAILED");
      return r.body.error.details[0];
    };
    expect(field(await approve(priced, { amount: "30.00", currency: "EUR" }))).toEqual({
      path: "maxPrice.currency",
      message: "must be USD, the currency of the price shown",
    });
    expect(field(await approve(priced, { amount: "24.99", currency: "USD" })).message).toContain(
      "below the price shown (25.00 USD)",
    );
    expect(field(await approve(priced, { amount: "30.001", currency: "USD" })).path).toBe("maxPrice.amount");
    expect(field(await approve(unpriced, { amount: "5", currency: "NOPE" }))).toMatchObject({
      path: "maxPrice.currency",
      message: expect.stringContaining("unknown currency NOPE"),
    });
    expect(field(await approve(unpriced, { amount: "0", currency: "USD" })).path).toBe("maxPrice.amount");
    expect(field(await approve(unpriced, { amount: "-1", currency: "USD" })).path).toBe("maxPrice.amount");
    expect(field(await approve(unpriced, { amount: "5" })).path).toBe("maxPrice.currency");
    // A rejection takes no ceiling.
    const rej = await api("POST", `/org/approvals/${unpriced}/reject`, {
      token: adminKey,
      body: { maxPrice: { amount: "5", currency: "USD" } },
    });
    expectError(rej, 400, "VALIDATION_FAILED");
    // Nothing was decided by the refused requests.
    const pending = await api("GET", "/org/approvals", { token: adminKey });
    expect(pending.body.data.map((x: { id: string }) => x.id).sort()).toEqual([priced, unpriced].sort());
  });

  it("validates the status filter and the note, and 404s unknown ids", async () => {
    const { adminKey } = await newOrg();
    expect(
      (await api("GET", "/org/approvals?status=maybe", { token: adminKey })).body.error.details[0].path,
    ).toBe("status");
    const note = await api("POST", "/org/approvals/apr_x/approve", { token: adminKey, body: { note: 5 } });
    expect(note.body.error.details[0].path).toBe("note");
    expectError(await api("POST", "/org/approvals/apr_x/approve", { token: adminKey }), 404, "NOT_FOUND");
  });
});

describe("budgets", () => {
  it("reads the agent's balances on the same ledger keys the engine reserves", async () => {
    const { orgId, adminKey } = await newOrg();
    const agentId = await newAgent(adminKey, "buyer");
    await api("PUT", `/org/agents/${agentId}/mandate`, {
      token: adminKey,
      body: {
        currency: "USD",
        timeZone: "UTC",
        budgets: { daily: "50.00", total: "200" },
        rateLimits: [{ count: 10, window: "hour" }],
      },
    });
    const empty = await api("GET", `/org/budgets?agentId=${agentId}`, { token: adminKey });
    expect(empty.status).toBe(200);
    expect(empty.body.balances.map((b: { window: string }) => b.window).sort()).toEqual([
      "day",
      "hour",
      "total",
    ]);
    const daily = empty.body.balances.find((b: { window: string }) => b.window === "day");
    expect(daily).toMatchObject({
      kind: "money",
      limit: "5000",
      committed: "0",
      reserved: "0",
      remaining: "5000",
      currency: "USD",
      decimals: 2,
      display: "50.00 / 50.00 USD",
    });

    // Reserve exactly the lines the policy engine asks for on a priced call; the balances must move.
    const now = Date.now();
    const dry = await api("POST", "/org/policies/evaluate", {
      token: adminKey,
      body: {
        call: { tool: "search", agentId, price: { amount: "1250", currency: "USD", decimals: 2 } },
        now,
      },
    });
    expect(dry.body.decision.action).toBe("allow");
    const reserved = await ledgerFor(env, orgId).reserve({
      idempotencyKey: `idem-${orgId}`,
      lines: dry.body.decision.scopes,
      ttlMs: 3_600_000,
      now,
      tx: {
        id: `tx-${orgId}`,
        orgId,
        agentId,
        sessionId: null,
        tool: "search",
        upstreamId: null,
        kind: "payment",
        amount: "1250",
        currency: "USD",
        decimals: 2,
        vendor: null,
        decision: "allow",
        shadow: false,
        reasonCode: null,
        reason: null,
        rules: [],
        status: "reserved",
        challengeId: null,
        approvalId: null,
      },
    });
    expect(reserved.ok).toBe(true);
    const after = await api("GET", `/org/budgets?agentId=${agentId}`, { token: adminKey });
    const byWindow = Object.fromEntries(after.body.balances.map((b: { window: string }) => [b.window, b]));
    expect(byWindow.day).toMatchObject({ reserved: "1250", remaining: "3750", display: "37.50 / 50.00 USD" });
    expect(byWindow.total).toMatchObject({ reserved: "1250", remaining: "18750" });
    expect(byWindow.hour).toMatchObject({ kind: "count", unit: "calls", reserved: "1", display: null });
  });

  it("includes the active policy's fixed-currency spend lines", async () => {
    const { adminKey } = await newOrg();
    const agentId = await newAgent(adminKey, "buyer");
    const source =
      'version: "1"\ncurrency: USD\ntools:\n  "*":\n    rules:\n      - name: daily\n        spend:\n          daily: 100\n';
    await api("POST", "/org/policies", { token: adminKey, body: { source, activate: true } });
    const r = await api("GET", `/org/budgets?agentId=${agentId}`, { token: adminKey });
    expect(r.body.balances).toHaveLength(1);
    expect(r.body.balances[0]).toMatchObject({ window: "day", limit: "10000", kind: "money" });
    expect(r.body.balances[0].key.startsWith("p:")).toBe(true);
  });

  it("requires an agent of the org", async () => {
    const { adminKey } = await newOrg();
    expect((await api("GET", "/org/budgets", { token: adminKey })).body.error.details[0].path).toBe(
      "agentId",
    );
    expectError(await api("GET", "/org/budgets?agentId=agt_nope", { token: adminKey }), 404, "NOT_FOUND");
  });
});
