// Attack: call a tool with arguments the policy allows, take the challenge, and send the paid retry
// with arguments the policy denies. The reservation is bound to the judged call (tool, arguments
// hash, session): the swapped retry is refused before the upstream and the hold stays for the real one.
import { describe, expect, it } from "vitest";
import { payCredential } from "../helpers/mcp-client";
import { witness } from "../helpers/witness";
import { attackOrg, connect, credentialsSeen, denialOf, mppChallenge, transactions } from "./helpers";

const POLICY = `version: "1"
tools:
  paid_echo:
    rules:
      - name: "no evil"
        conditions:
          - path: "args.text"
            op: "neq"
            value: "evil"
        on_deny: "evil is not allowed"
      - name: "cap"
        spend:
          per_call: 5.00
`;

describe("a paid retry whose arguments differ from the call that was judged", () => {
  it("is refused before the upstream, and the hold stays for the real retry", async () => {
    const org = await attackOrg({ policy: POLICY });
    const client = await connect(org.url(org.agentKeys.main!));
    await denialOf(client.callTool({ name: "paid_echo", arguments: { text: "evil", price: "1.00" } }));
    const challenge = await mppChallenge(client, "paid_echo", { text: "safe", price: "1.00" });
    const meta = { "org.paymentauth/credential": payCredential(challenge) };

    const swapped = await denialOf(
      client.callTool({ name: "paid_echo", arguments: { text: "evil", price: "1.00" }, _meta: meta }),
    );
    expect(swapped.reason).toBe("arguments_mismatch");
    let seen = await witness(org.host);
    expect(credentialsSeen(seen)).toBe(0);
    expect(seen.settlements).toEqual([]);
    expect(seen.runs.map((r) => r.args)).not.toContainEqual({ text: "evil", price: "1.00" });

    const real = await client.callTool({
      name: "paid_echo",
      arguments: { text: "safe", price: "1.00" },
      _meta: meta,
    });
    expect(real.content).toEqual([{ type: "text", text: "safe" }]);
    seen = await witness(org.host);
    expect(seen.settlements).toHaveLength(1);
    expect(seen.runs).toEqual([{ tool: "paid_echo", args: { text: "safe", price: "1.00" } }]);
    const rows = await transactions(org.orgId);
    expect(rows.filter((r) => r.status === "committed")).toMatchObject([{ committed_amount: "1000000" }]);
    expect(rows.filter((r) => r.reason_code === "arguments_mismatch")).toHaveLength(1);
  });

  it("is refused when the price argument is raised on the retry (another call, another price)", async () => {
    const org = await attackOrg({ policy: POLICY });
    const client = await connect(org.url(org.agentKeys.main!));
    const challenge = await mppChallenge(client, "paid_echo", { text: "x", price: "0.10" });
    const denial = await denialOf(
      client.callTool({
        name: "paid_echo",
        arguments: { text: "x", price: "4.99" },
        _meta: { "org.paymentauth/credential": payCredential(challenge) },
      }),
    );
    expect(denial.reason).toBe("arguments_mismatch");
    expect((await witness(org.host)).settlements).toEqual([]);
  });

  it("is refused when sent from another session than the one that got the challenge", async () => {
    const org = await attackOrg({ policy: POLICY });
    const first = await connect(org.url(org.agentKeys.main!));
    const challenge = await mppChallenge(first, "paid_echo", { text: "s", price: "1.00" });
    const other = await connect(org.url(org.agentKeys.main!));
    const denial = await denialOf(
      other.callTool({
        name: "paid_echo",
        arguments: { text: "s", price: "1.00" },
        _meta: { "org.paymentauth/credential": payCredential(challenge) },
      }),
    );
    expect(denial.reason).toBe("session_mismatch");
    expect(credentialsSeen(await witness(org.host))).toBe(0);
  });
});
