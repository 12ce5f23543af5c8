// Attack: a paid retry carrying two credentials (MPP and x402, or the same kind in params._meta and
// the root _meta). Tollgate checks one credential against one reservation; the upstream could settle
// the other. Such a request is refused and never forwarded.
import { describe, expect, it } from "vitest";
import { payCredential, x402Payment } from "../helpers/mcp-client";
import { witness } from "../helpers/witness";
import { attackOrg, connect, credentialsSeen, denialOf, mppChallenge, transactions } from "./helpers";

describe("a request with more than one payment credential", () => {
  it("is refused with multiple_credentials before the upstream, and the hold stays", async () => {
    const org = await attackOrg();
    const client = await connect(org.url(org.agentKeys.main!));
    const args = { text: "two", price: "1.00" };
    const challenge = await mppChallenge(client, "paid_echo", args);
    const x402 = x402Payment({
      x402Version: 2,
      accepts: [{ scheme: "exact", network: "eip155:84532", amount: "1000000", payTo: "0x1", asset: "0x1" }],
    });
    const denial = await denialOf(
      client.callTool({
        name: "paid_echo",
        arguments: args,
        _meta: { "org.paymentauth/credential": payCredential(challenge), "x402/payment": x402 },
      }),
    );
    expect(denial.reason).toBe("multiple_credentials");
    expect(credentialsSeen(await witness(org.host))).toBe(0);
    const paid = await client.callTool({
      name: "paid_echo",
      arguments: args,
      _meta: { "org.paymentauth/credential": payCredential(challenge) },
    });
    expect(paid.content).toEqual([{ type: "text", text: "two" }]);
    const rows = await transactions(org.orgId);
    expect(rows.filter((r) => r.status === "committed")).toHaveLength(1);
    expect(rows.filter((r) => r.reason_code === "multiple_credentials")).toHaveLength(1);
  });
});
