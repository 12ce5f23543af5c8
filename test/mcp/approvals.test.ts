import { env, exports } from "cloudflare:workers";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ElicitRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { connectMcp, withPayer } from "../helpers/mcp-client";
import { seedOrg } from "../helpers/seed";

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
async function connect(url: string) {
  const c = await connectMcp(url);
  clients.push(c);
  return withPayer(c);
}

// Intercept's approval example: research reports over 10ドル need a human.
const POLICY = `version: "1"
tools:
  research_report:
    rules:
      - name: "auto-approve cheap"
        spend:
          per_call: 10.00
          daily: 100.00
      - name: "expensive needs approval"
        action: "require_approval"
        approval_timeout: "30m"
        conditions:
          - path: "spend.amount"
            op: "gt"
            value: 10000000
        on_deny: "Research report over 10ドル requires approval"
`;

const DEEP = { name: "research_report", arguments: { topic: "tolls", depth: "deep" } }; // 15.00

async function approvalDenial(p: Promise<unknown>) {
  const e = (await p.then(
    () => null,
    (x: unknown) => x,
  )) as McpError;
  expect(e).toBeInstanceOf(McpError);
  expect(e.code).toBe(-32010);
  return (e.data as { tollgate: { reason: string; approvalId: string | null; message: string } }).tollgate;
}

async function decide(orgId: string, id: string, decision: "approve" | "reject", note?: string) {
  const res = await exports.default.fetch(
    `https://gw.test/api/v1/orgs/${orgId}/approvals/${id}/${decision}`,
    {
      method: "POST",
      headers: { authorization: "Bearer test-admin-token-0123456789", "content-type": "application/json" },
      body: JSON.stringify(note ? { note } : {}),
    },
  );
  expect(res.status).toBe(200);
}

describe("human approvals on the call path", () => {
  it("pending -> approved -> the identical call passes once; reuse asks again", async () => {
    const org = await seedOrg({ policy: POLICY });
    const client = await connect(org.url(org.agentKeys.main!));
    const pending = await approvalDenial(client.callTool(DEEP));
    expect(pending.reason).toBe("approval_required");
    expect(pending.approvalId).toMatch(/^apr_/);
    // Asking again while pending points at the same approval.
    expect((await approvalDenial(client.callTool(DEEP))).approvalId).toBe(pending.approvalId);
    const status = await client.callTool({
      name: "tollgate_approval_status",
      arguments: { approvalId: pending.approvalId },
    });
    expect((status.structuredContent as { status: string }).status).toBe("pending");

    await decide(org.orgId, pending.approvalId!, "approve");
    const paid = await client.callTool(DEEP);
    expect(paid.receipt?.status).toBe("success");
    // Single use: the next identical call needs a new approval.
    const again = await approvalDenial(client.callTool(DEEP));
    expect(again.reason).toBe("approval_required");
    expect(again.approvalId).not.toBe(pending.approvalId);
    // A cheap report never asks.
    const cheap = await client.callTool({ name: "research_report", arguments: { topic: "tolls" } });
    expect(cheap.receipt?.status).toBe("success");
  });

  it("a rejection denies the call with the approver's note", async () => {
    const org = await seedOrg({ policy: POLICY });
    const client = await connect(org.url(org.agentKeys.main!));
    const pending = await approvalDenial(client.callTool(DEEP));
    await decide(org.orgId, pending.approvalId!, "reject", "too expensive this week");
    const rejected = await approvalDenial(client.callTool(DEEP));
    expect(rejected.reason).toBe("approval_rejected");
    expect(rejected.message).toContain("too expensive this week");
  });

  it("an approval bound to other arguments does not cover this call", async () => {
    const org = await seedOrg({ policy: POLICY });
    const client = await connect(org.url(org.agentKeys.main!));
    const pending = await approvalDenial(client.callTool(DEEP));
    await decide(org.orgId, pending.approvalId!, "approve");
    const other = await approvalDenial(
      client.callTool({ ...DEEP, arguments: { topic: "other", depth: "deep" } }),
    );
    expect(other.reason).toBe("approval_required");
  });

  it("an approval nobody decided in time expires, and the call is denied with that reason", async () => {
    const org = await seedOrg({ policy: POLICY });
    const client = await connect(org.url(org.agentKeys.main!));
    const pending = await approvalDenial(client.callTool(DEEP));
    // The approval's lifetime is over (30m in the policy): move its expiry into the past.
    await env.DB.prepare("UPDATE approvals SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1, pending.approvalId)
      .run();
    const expired = await approvalDenial(client.callTool(DEEP));
    expect(expired.reason).toBe("approval_expired");
    const row = await env.DB.prepare("SELECT status FROM approvals WHERE id = ?")
      .bind(pending.approvalId)
      .first<{ status: string }>();
    expect(row?.status).toBe("expired");
    // An operator can no longer approve it.
    const late = await exports.default.fetch(
      `https://gw.test/api/v1/orgs/${org.orgId}/approvals/${pending.approvalId}/approve`,
      {
        method: "POST",
        headers: { authorization: "Bearer test-admin-token-0123456789", "content-type": "application/json" },
        body: "{}",
      },
    );
    expect(late.status).toBe(409);
  });

  it("approving holds the price at once; the retry spends the hold; a budget that cannot hold it refuses the approval", async () => {
    const mandate = { currency: "PATHUSD", decimals: 6, budgetDaily: "20000000" };
    const org = await seedOrg({ policy: POLICY, agents: [{ name: "main", isDefault: true, mandate }] });
    const client = await connect(org.url(org.agentKeys.main!));
    const budget = async () => {
      const r = await client.callTool({ name: "tollgate_check_budget", arguments: {} });
      return (
        r.structuredContent as { budgets: { window: string; spent: string; reserved: string }[] }
      ).budgets.find((b) => b.window === "day");
    };
    const pending = await approvalDenial(client.callTool(DEEP));
    expect(await budget()).toMatchObject({ spent: "0", reserved: "0" });
    await decide(org.orgId, pending.approvalId!, "approve");
    expect(await budget()).toMatchObject({ spent: "0", reserved: "15000000" });
    // The hold keeps other spend from starving the approved call: 6.00 more would not fit.
    const squeezed = await approvalDenial(
      client.callTool({ name: "paid_echo", arguments: { text: "x", price: "6.00" } }),
    );
    expect(squeezed.reason).toBe("budget_exceeded");
    const paid = await client.callTool(DEEP);
    expect(paid.receipt?.status).toBe("success");
    expect(await budget()).toMatchObject({ spent: "15000000", reserved: "0" });

    // Only 5.00 is left today: a second 15.00 approval cannot be held, so it cannot be approved.
    const next = await approvalDenial(
      client.callTool({ ...DEEP, arguments: { topic: "again", depth: "deep" } }),
    );
    const res = await exports.default.fetch(
      `https://gw.test/api/v1/orgs/${org.orgId}/approvals/${next.approvalId}/approve`,
      {
        method: "POST",
        headers: { authorization: "Bearer test-admin-token-0123456789", "content-type": "application/json" },
        body: "{}",
      },
    );
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      "not enough budget",
    );
  });

  it("a ceiling raised above the shown price is held whole; the retry spends the price and frees the rest", async () => {
    const mandate = { currency: "PATHUSD", decimals: 6, budgetDaily: "40000000" };
    const org = await seedOrg({ policy: POLICY, agents: [{ name: "main", isDefault: true, mandate }] });
    const client = await connect(org.url(org.agentKeys.main!));
    const day = async () => {
      const r = await client.callTool({ name: "tollgate_check_budget", arguments: {} });
      return (
        r.structuredContent as { budgets: { window: string; spent: string; reserved: string }[] }
      ).budgets.find((b) => b.window === "day");
    };
    const pending = await approvalDenial(client.callTool(DEEP));
    const res = await exports.default.fetch(
      `https://gw.test/api/v1/orgs/${org.orgId}/approvals/${pending.approvalId}/approve`,
      {
        method: "POST",
        headers: { authorization: "Bearer test-admin-token-0123456789", "content-type": "application/json" },
        body: JSON.stringify({ maxPrice: { amount: "18.00", currency: "PATHUSD" } }),
      },
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as { maxPrice: { display: string } }).maxPrice.display).toBe(
      "18.000000 PATHUSD",
    );
    expect(await day()).toMatchObject({ spent: "0", reserved: "18000000" });
    const paid = await client.callTool(DEEP);
    expect(paid.receipt?.status).toBe("success");
    expect(await day()).toMatchObject({ spent: "15000000", reserved: "0" });

    // A ceiling the budget cannot hold refuses the approval, though the price alone would fit.
    const next = await approvalDenial(
      client.callTool({ ...DEEP, arguments: { topic: "again", depth: "deep" } }),
    );
    const big = await exports.default.fetch(
      `https://gw.test/api/v1/orgs/${org.orgId}/approvals/${next.approvalId}/approve`,
      {
        method: "POST",
        headers: { authorization: "Bearer test-admin-token-0123456789", "content-type": "application/json" },
        body: JSON.stringify({ maxPrice: { amount: "30.00", currency: "PATHUSD" } }),
      },
    );
    expect(big.status).toBe(409);
    // A refused attempt does not block a later one: approving at the shown price still works.
    await decide(org.orgId, next.approvalId!, "approve");
    expect(await day()).toMatchObject({ reserved: "15000000" });
  });

  it("asks inline when the org turned it on and the client supports elicitation, and continues on yes", async () => {
    const mandate = { currency: "PATHUSD", decimals: 6, budgetDaily: "50000000" };
    const org = await seedOrg({
      policy: POLICY,
      agents: [{ name: "main", isDefault: true, mandate }],
      inlineApprovals: true,
    });
    const asked: string[] = [];
    const answer = { approve: true };
    const raw = await connectMcp(org.url(org.agentKeys.main!), { capabilities: { elicitation: {} } });
    clients.push(raw);
    raw.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params.message);
      return { action: "accept", content: { ...answer } };
    });
    const client = withPayer(raw);
    const paid = await client.callTool(DEEP);
    expect(paid.receipt?.status).toBe("success");
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain("15.000000 PATHUSD");
    const row = await env.DB.prepare("SELECT status, note FROM approvals WHERE org_id = ?")
      .bind(org.orgId)
      .first<{ status: string; note: string }>();
    expect(row).toMatchObject({ status: "consumed", note: "approved inline by the user" });

    answer.approve = false;
    const declined = await approvalDenial(
      client.callTool({ ...DEEP, arguments: { topic: "no", depth: "deep" } }),
    );
    expect(declined.reason).toBe("approval_rejected");
    expect(asked).toHaveLength(2);
  });
});
