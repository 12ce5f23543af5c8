// A paid retry's commit lands after the agent has its answer (issue 13: it decides nothing). A
// hostile agent fires its next paid call at once, hoping to be judged before its spend is booked;
// here the commit never lands at all (the object refuses it). The claimed hold must keep counting,
// so the next call is refused, and at its expiry it commits unconfirmed: the payment is never lost.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ledgerFor } from "../../src/ledger/client";
import { withPayer } from "../helpers/mcp-client";
import { witness } from "../helpers/witness";
import { attackOrg, connect, denialOf, transactions } from "./helpers";

const POLICY = `version: "1"
tools:
  paid_echo:
    rules:
      - name: "one call a day"
        spend:
          daily: 1.00
`;

/** From now on the ledger refuses to mark any reservation committed (its commit RPC throws). */
async function refuseCommits(orgId: string) {
  await runInDurableObject(ledgerFor(env, orgId), (_i, state) => {
    state.storage.sql.exec(
      `CREATE TRIGGER refuse_commit BEFORE UPDATE OF status ON reservations
       WHEN NEW.status = 'committed' BEGIN SELECT RAISE(ABORT, 'commit refused by the test'); END`,
    );
  });
}

async function allowCommits(orgId: string) {
  await runInDurableObject(ledgerFor(env, orgId), (_i, state) => {
    state.storage.sql.exec("DROP TRIGGER refuse_commit");
  });
}

describe("the next paid call before the last one's commit landed", () => {
  it("is judged against the held amount, and the held payment commits at expiry", async () => {
    const org = await attackOrg({ policy: POLICY });
    const client = withPayer(await connect(org.url(org.agentKeys.main!)));
    await refuseCommits(org.orgId);

    const first = await client.callTool({ name: "paid_echo", arguments: { text: "a", price: "1.00" } });
    expect(first.isError).toBeFalsy();
    const denial = await denialOf(
      client.callTool({ name: "paid_echo", arguments: { text: "b", price: "1.00" } }),
    );
    expect(denial.reason).toBe("budget_exceeded");
    expect(denial.scope?.remaining).toBe("0");
    expect((await witness(org.host)).settlements).toHaveLength(1);

    // The commit was refused and logged; the claimed hold is still active and still counts.
    const held = (await transactions(org.orgId)).filter(
      (r) => r.tool === "paid_echo" && r.status !== "denied",
    );
    expect(held.map((r) => r.status)).toEqual(["reserved"]);

    await allowCommits(org.orgId);
    await ledgerFor(env, org.orgId).sweep({ now: Date.now() + 86_400_000 });
    const settled = (await transactions(org.orgId)).filter((r) => r.status === "committed");
    expect(settled).toMatchObject([{ amount: "1000000", committed_amount: "1000000", unconfirmed: 1 }]);
  });
});
