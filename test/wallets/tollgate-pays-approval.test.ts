// tollgate-pays with a human in the loop: a policy asks for approval above 2.00. The wallet pays
// nothing until a person approves; the approved retry is paid once, through the hold the approval
// made, and the agent's own client cannot stand in for the person.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ledgerFor } from "../../src/ledger/client";
import { approveAsOperator, connect, credentialsSeen, denialOf, transactions } from "../adversarial/helpers";
import { witness } from "../helpers/witness";
import { payerOrg } from "./payer-org";

const POLICY = `version: "1"
tools:
  paid_echo:
    rules:
      - name: "over 2 needs a human"
        action: "require_approval"
        conditions:
          - path: "spend.amount"
            op: "gt"
            value: 2000000
`;

describe("tollgate-pays and approvals", () => {
  it("pays nothing before a human approves, then pays the approved call once from the hold", async () => {
    const org = await payerOrg({ secrets: [{ kind: "mpp-test" }], policy: POLICY });
    const client = await connect(org.url(org.agentKeys.main!));
    const call = { name: "paid_echo", arguments: { text: "big", price: "2.50" } };

    const asked = await denialOf(client.callTool(call));
    expect(asked.reason).toBe("approval_required");
    expect(credentialsSeen(await witness(org.host))).toBe(0);
    // Asking again before anyone answers pays nothing either.
    expect((await denialOf(client.callTool(call))).reason).toBe("approval_required");
    expect(credentialsSeen(await witness(org.host))).toBe(0);

    const res = await approveAsOperator(org.orgId, asked.approvalId!);
    expect(res.status).toBe(200);
    await ledgerFor(env, org.orgId).flush();
    const held = await env.DB.prepare("SELECT reservation_id AS id FROM approvals WHERE id = ?")
      .bind(asked.approvalId)
      .first<{ id: string }>();

    const paid = await client.callTool(call);
    expect(paid.content).toEqual([{ type: "text", text: "big" }]);
    const seen = await witness(org.host);
    expect(seen.settlements.map((s) => s.amount)).toEqual(["2500000"]);
    const committed = (await transactions(org.orgId)).filter((r) => r.status === "committed");
    expect(committed.map((r) => [r.id, r.committed_amount])).toEqual([[held?.id, "2500000"]]);
    expect((committed[0] as unknown as { wallet_id: string }).wallet_id).toBe(org.walletId);

    // The approval is used up: the same call again asks anew and pays nothing.
    expect((await denialOf(client.callTool(call))).reason).toBe("approval_required");
    expect((await witness(org.host)).settlements).toHaveLength(1);
  });

  it("holds the wallet's caps with the approved price: an approval cannot push a wallet past its cap", async () => {
    // Found while testing this file: the approval's hold reserved the mandate and policy lines only.
    const org = await payerOrg({
      secrets: [{ kind: "mpp-test" }],
      policy: POLICY,
      caps: { currency: "pathUSD", daily: "2.00" },
    });
    const client = await connect(org.url(org.agentKeys.main!));
    const asked = await denialOf(
      client.callTool({ name: "paid_echo", arguments: { text: "big", price: "2.50" } }),
    );
    expect(asked.reason).toBe("approval_required");
    const res = await approveAsOperator(org.orgId, asked.approvalId!);
    expect(res.status).toBe(409);
    expect(JSON.stringify(await res.json())).toContain("wallet ops: daily cap");
    const retry = await denialOf(
      client.callTool({ name: "paid_echo", arguments: { text: "big", price: "2.50" } }),
    );
    expect(retry.reason).not.toBe("");
    expect(credentialsSeen(await witness(org.host))).toBe(0);
    expect((await witness(org.host)).settlements).toEqual([]);
  });
});
