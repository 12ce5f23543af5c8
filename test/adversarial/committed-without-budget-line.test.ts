// Counting what happened: a paid call that no budget line covers (no policy spend rule, no mandate)
// still records what it cost; its committed_amount used to be NULL, and charts skipped it.
import { describe, expect, it } from "vitest";
import { withPayer } from "../helpers/mcp-client";
import { witness } from "../helpers/witness";
import { attackOrg, connect, transactions } from "./helpers";

describe("a paid call with no money budget line", () => {
  it("commits with its amount", async () => {
    const org = await attackOrg();
    const client = withPayer(await connect(org.url(org.agentKeys.main!)));
    await client.callTool({ name: "paid_echo", arguments: { text: "x", price: "0.42" } });
    expect((await witness(org.host)).settlements).toMatchObject([{ amount: "420000" }]);
    const committed = (await transactions(org.orgId)).filter((r) => r.status === "committed");
    expect(committed).toMatchObject([{ amount: "420000", committed_amount: "420000" }]);
  });
});
