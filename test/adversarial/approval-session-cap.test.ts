// Attack: three 15.00 calls in one session, each put up for approval at once, against a 20.00
// session cap. Each approval alone fits the cap; together they do not. Approving holds the price on
// every money line, the session's included, so only the first approval can be given (the others
// answer 409) and the session never spends more than its cap.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ledgerFor } from "../../src/ledger/client";
import { withPayer } from "../helpers/mcp-client";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";
import { approveAsOperator, connect, denialOf } from "./helpers";

const POLICY = `version: "1"
tools:
  paid_echo:
    rules:
      - name: "session budget"
        spend:
          session: 20.00
      - name: "over 10 needs a human"
        action: "require_approval"
        conditions:
          - path: "spend.amount"
            op: "gt"
            value: 10000000
`;

describe("approved calls against a session cap", () => {
  it("three approved 15.00 calls in one session cannot pass a 20.00 session cap", async () => {
    const host = witnessHost();
    const org = await seedOrg({
      policy: POLICY,
      upstreams: [{ namespace: "paid", url: `https://${host}/mcp` }],
    });
    const raw = await connect(org.url(org.agentKeys.main!));
    const client = withPayer(raw);
    const calls = ["one", "two", "three"].map((text) => ({
      name: "paid_echo",
      arguments: { text, price: "15.00" },
    }));

    const asked: string[] = [];
    for (const call of calls) {
      const d = await denialOf(client.callTool(call));
      expect(d.reason).toBe("approval_required");
      asked.push(d.approvalId!);
    }
    expect((await approveAsOperator(org.orgId, asked[0]!)).status).toBe(200);
    for (const id of asked.slice(1)) {
      const res = await approveAsOperator(org.orgId, id);
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
        /^Cannot approve: not enough budget to hold the approved price \(session spend of rule "session budget"/,
      );
    }

    expect((await client.callTool(calls[0]!)).receipt?.status).toBe("success");
    for (const call of calls.slice(1)) {
      expect((await denialOf(client.callTool(call))).reason).toBe("approval_required");
    }

    const seen = await witness(host);
    expect(seen.runs).toEqual([{ tool: "paid_echo", args: calls[0]!.arguments }]);
    expect(seen.settlements.map((s) => s.amount)).toEqual(["15000000"]);
    await ledgerFor(env, org.orgId).flush();
    const rows = await env.DB.prepare(
      "SELECT committed_amount AS amount FROM transactions WHERE org_id = ? AND status = 'committed'",
    )
      .bind(org.orgId)
      .all<{ amount: string }>();
    const total = rows.results.reduce((sum, r) => sum + BigInt(r.amount), 0n);
    expect(total).toBe(15_000_000n);
    expect(total <= 20_000_000n).toBe(true);
    const states = await env.DB.prepare("SELECT status FROM approvals WHERE org_id = ? ORDER BY created_at")
      .bind(org.orgId)
      .all<{ status: string }>();
    expect(states.results.map((r) => r.status).sort()).toEqual(["consumed", "pending", "pending"]);
  });
});
