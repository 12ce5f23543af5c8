// Attack: a runaway agent retries a tool that keeps failing. Rate limits and counters count every
// attempt that reached the upstream, tool errors included (as Intercept counts them), so the loop
// hits its limit; the refusal carries the rule's own on_deny text.
import { describe, expect, it } from "vitest";
import { witness } from "../helpers/witness";
import { attackOrg, connect, denialOf, transactions } from "./helpers";

const POLICY = `version: "1"
tools:
  charge_then_fail:
    rules:
      - name: "failing tool limit"
        rate_limit: 3/minute
        on_deny: "Stop retrying charge_then_fail: 3 attempts a minute"
  echo:
    rules:
      - name: "echo limit"
        rate_limit: 2/minute
`;

describe("a runaway agent retrying a failing tool", () => {
  it("hits the rate limit counted over failed attempts, and sees the rule's on_deny", async () => {
    const org = await attackOrg({ policy: POLICY, path: "/json/mcp" });
    const client = await connect(org.url(org.agentKeys.main!));
    // echo without its required argument: the upstream answers an error, every time.
    for (let i = 0; i < 2; i++) {
      const r = await client.callTool({ name: "echo", arguments: {} }).catch((e: unknown) => e);
      expect(r).toBeDefined();
    }
    const denial = await denialOf(client.callTool({ name: "echo", arguments: { text: "now valid" } }));
    expect(denial.reason).toBe("rate_limited");
    expect(denial.message).toBe("Rate limit of 2 per minute reached. Try again later.");
    const seen = await witness(org.host);
    expect(seen.requests.filter((r) => r.rpcMethod === "tools/call")).toHaveLength(2);
    expect(seen.runs).toEqual([]);
  });

  it("shows the rule's on_deny text when the ledger refuses the counter", async () => {
    const org = await attackOrg({ policy: POLICY, path: "/json/mcp" });
    const client = await connect(org.url(org.agentKeys.main!));
    for (let i = 0; i < 3; i++) {
      // Each call gets a challenge (the attempt counts), and the agent never pays.
      await client.callTool({ name: "charge_then_fail", arguments: {} }).catch(() => undefined);
    }
    const denial = await denialOf(client.callTool({ name: "charge_then_fail", arguments: {} }));
    expect(denial.reason).toBe("rate_limited");
    expect(denial.message).toBe("Stop retrying charge_then_fail: 3 attempts a minute");
    const rows = await transactions(org.orgId);
    expect(rows.filter((r) => r.reason_code === "rate_limited")).toHaveLength(1);
  });
});
