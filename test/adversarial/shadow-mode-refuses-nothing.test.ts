// Shadow mode is for trying a policy on live traffic: it must never refuse, even when one of its
// budgets is used up in the ledger (it used to: the ledger refused the line). Spend is still counted.
import { describe, expect, it } from "vitest";
import { withPayer } from "../helpers/mcp-client";
import { witness } from "../helpers/witness";
import { attackOrg, connect, transactions } from "./helpers";

const POLICY = `version: "1"
mode: shadow
tools:
  paid_echo:
    rules:
      - name: "tiny daily budget"
        spend:
          daily: 1.00
`;

describe("a shadow-mode policy whose daily budget is used up", () => {
  it("refuses nothing, and still counts every payment", async () => {
    const org = await attackOrg({ policy: POLICY });
    const client = withPayer(await connect(org.url(org.agentKeys.main!)));
    for (const text of ["a", "b", "c"]) {
      const r = await client.callTool({ name: "paid_echo", arguments: { text, price: "0.80" } });
      expect(r.content).toEqual([{ type: "text", text }]);
    }
    expect((await witness(org.host)).settlements).toHaveLength(3);
    const committed = (await transactions(org.orgId)).filter((r) => r.status === "committed");
    expect(committed).toHaveLength(3);
  });
});
