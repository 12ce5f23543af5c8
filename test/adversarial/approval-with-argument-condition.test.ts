// Attack surface: a rule judges an argument, and another rule asks a human above 10.00. The hold made
// when the approval is given must judge the call as it was made (its arguments), not an empty one:
// approving a call that passes the argument rule works, and the hold cannot be used by a call the
// argument rule refuses.
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
      - name: "tagged text only"
        conditions:
          - path: "args.text"
            op: "starts_with"
            value: "ok:"
      - name: "over 10 needs a human"
        action: "require_approval"
        conditions:
          - path: "spend.amount"
            op: "gt"
            value: 10000000
`;

describe("an approval for a call judged on its arguments", () => {
  it("can be approved (the hold judges the real arguments), and the retry pays the approved price", async () => {
    const host = witnessHost();
    const org = await seedOrg({
      policy: POLICY,
      upstreams: [{ namespace: "paid", url: `https://${host}/mcp` }],
    });
    const raw = await connect(org.url(org.agentKeys.main!));
    const client = withPayer(raw);
    const call = { name: "paid_echo", arguments: { text: "ok: the report", price: "12.00" } };

    const asked = await denialOf(client.callTool(call));
    expect(asked.reason).toBe("approval_required");
    const res = await approveAsOperator(org.orgId, asked.approvalId!);
    expect(res.status).toBe(200);
    await ledgerFor(env, org.orgId).flush();
    const held = await env.DB.prepare("SELECT reservation_id AS id FROM approvals WHERE id = ?")
      .bind(asked.approvalId)
      .first<{ id: string }>();
    const hold = await env.DB.prepare("SELECT amount, status FROM transactions WHERE id = ?")
      .bind(held?.id)
      .first();
    expect(hold).toEqual({ amount: "12000000", status: "reserved" });

    // A call the argument rule refuses is refused before the upstream, approval or not.
    const untagged = await denialOf(
      client.callTool({ name: "paid_echo", arguments: { text: "the report", price: "12.00" } }),
    );
    expect(untagged.reason).toBe("policy_denied");

    expect((await client.callTool(call)).receipt?.status).toBe("success");
    const seen = await witness(host);
    expect(seen.runs).toEqual([{ tool: "paid_echo", args: call.arguments }]);
    expect(seen.settlements.map((s) => s.amount)).toEqual(["12000000"]);
    await ledgerFor(env, org.orgId).flush();
    const committed = await env.DB.prepare(
      "SELECT id, committed_amount AS amount FROM transactions WHERE org_id = ? AND status = 'committed'",
    )
      .bind(org.orgId)
      .all();
    expect(committed.results).toEqual([{ id: held?.id, amount: "12000000" }]);
  });
});
