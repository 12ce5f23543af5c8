// The ledger is unreachable (here: its storage fails under it). A call that needs a budget decision
// answers -32011 and the upstream never sees it: no unmetered pass-through, before forwarding or at
// the paid retry.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ledgerFor } from "../../src/ledger/client";
import { payCredential } from "../helpers/mcp-client";
import { witness } from "../helpers/witness";
import { attackOrg, connect, credentialsSeen, denialOf, mppChallenge } from "./helpers";

const POLICY = `version: "1"
tools:
  paid_echo:
    rules:
      - name: "budget"
        rate_limit: 10/minute
        spend:
          daily: 10.00
`;

async function breakLedger(orgId: string) {
  await runInDurableObject(ledgerFor(env, orgId), (_i, state) => {
    state.storage.sql.exec("DROP TABLE reservations");
  });
}

describe("a tools/call while the ledger is unreachable", () => {
  it("answers -32011 and the upstream is never called", async () => {
    const org = await attackOrg({ policy: POLICY });
    const client = await connect(org.url(org.agentKeys.main!));
    await breakLedger(org.orgId);
    const denial = await denialOf(
      client.callTool({ name: "paid_echo", arguments: { text: "x", price: "1.00" } }),
      -32011,
    );
    expect(denial.reason).toBe("ledger_unavailable");
    expect((await witness(org.host)).requests.filter((r) => r.rpcMethod === "tools/call")).toEqual([]);
  });

  it("refuses the paid retry with -32011 and never forwards its credential", async () => {
    const org = await attackOrg({ policy: POLICY });
    const client = await connect(org.url(org.agentKeys.main!));
    const args = { text: "y", price: "1.00" };
    const challenge = await mppChallenge(client, "paid_echo", args);
    await breakLedger(org.orgId);
    const denial = await denialOf(
      client.callTool({
        name: "paid_echo",
        arguments: args,
        _meta: { "org.paymentauth/credential": payCredential(challenge) },
      }),
      -32011,
    );
    expect(denial.reason).toBe("ledger_unavailable");
    const seen = await witness(org.host);
    expect(credentialsSeen(seen)).toBe(0);
    expect(seen.settlements).toEqual([]);
  });
});
