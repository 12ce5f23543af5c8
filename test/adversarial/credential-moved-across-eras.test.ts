// Attack: with a 2025-era and a 2026-07-28 upstream behind one URL, a 2026 client takes the cheap
// challenge of one upstream (modern_paid, 0.40, result-metadata form) and sends its credential on a
// call to the other upstream's tool (paid_echo at 5.00). The hold is bound to the judged call (tool,
// arguments, session), so the moved credential is refused in this era's contract (-31010) before
// either upstream sees it, and the real retry still pays once.
import { describe, expect, it } from "vitest";
import { payCredential, type WireChallenge } from "../helpers/mcp-client";
import { modernCall } from "../helpers/modern-client";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";
import { credentialsSeen, transactions } from "./helpers";

describe("a credential judged on one era's upstream, sent on the other's tool", () => {
  it("is refused before either upstream, and the judged call still pays once", async () => {
    const [legacy, modern] = [witnessHost(), witnessHost()];
    const org = await seedOrg({
      upstreams: [
        { namespace: "legacy", url: `https://${legacy}/mcp` },
        { namespace: "modern", url: `https://${modern}/modern/mcp` },
      ],
    });
    const mcp = org.url(org.agentKeys.main!);
    const asked = await modernCall(mcp, "tools/call", {
      name: "modern__modern_paid",
      arguments: { text: "b" },
    });
    const meta = (asked.body.result?._meta ?? {}) as Record<string, { challenges: WireChallenge[] }>;
    const challenge = meta["org.paymentauth/payment-required"]!.challenges[0]!;
    const credential = { "org.paymentauth/credential": payCredential(challenge) };

    const moved = await modernCall(
      mcp,
      "tools/call",
      { name: "legacy__paid_echo", arguments: { text: "b", price: "5.00" } },
      { meta: credential },
    );
    expect(moved.body.error?.code).toBe(-31010);
    const denial = (moved.body.error!.data as { tollgate: { reason: string } }).tollgate;
    expect(denial.reason).toBe("tool_mismatch");
    for (const host of [legacy, modern]) {
      const w = await witness(host);
      expect(credentialsSeen(w), host).toBe(0);
      expect(w.settlements, host).toEqual([]);
    }

    const real = await modernCall(
      mcp,
      "tools/call",
      { name: "modern__modern_paid", arguments: { text: "b" } },
      { meta: credential },
    );
    expect(real.body.result).toMatchObject({
      resultType: "complete",
      content: [{ type: "text", text: "b" }],
    });
    expect((await witness(modern)).settlements).toHaveLength(1);
    const rows = await transactions(org.orgId);
    expect(rows.filter((r) => r.status === "committed")).toMatchObject([{ committed_amount: "400000" }]);
  });
});
