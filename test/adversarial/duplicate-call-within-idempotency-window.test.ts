// idempotency_window: a looping agent repeats the same successful call. Inside the window the
// duplicate is refused before the upstream; a failed call can be retried at once; other arguments
// are another call.
import { describe, expect, it } from "vitest";
import { witness } from "../helpers/witness";
import { attackOrg, connect, denialOf } from "./helpers";

const POLICY = `version: "1"
tools:
  echo:
    rules:
      - name: "no repeats"
        rate_limit: 100/minute
        idempotency_window: "5m"
`;

describe("the same call twice within its idempotency window", () => {
  it("is refused the second time, before the upstream", async () => {
    const org = await attackOrg({ policy: POLICY, path: "/json/mcp" });
    const client = await connect(org.url(org.agentKeys.main!));
    await client.callTool({ name: "echo", arguments: { text: "deploy" } });
    const denial = await denialOf(client.callTool({ name: "echo", arguments: { text: "deploy" } }));
    expect(denial.reason).toBe("duplicate_call");
    await client.callTool({ name: "echo", arguments: { text: "other" } });
    // A failing call (missing argument) releases its window: retrying it reaches the upstream again.
    await client.callTool({ name: "echo", arguments: {} }).catch(() => undefined);
    await client.callTool({ name: "echo", arguments: {} }).catch(() => undefined);
    const seen = await witness(org.host);
    expect(seen.runs.map((r) => r.args)).toEqual([{ text: "deploy" }, { text: "other" }]);
    expect(seen.requests.filter((r) => r.rpcMethod === "tools/call")).toHaveLength(4);
  });
});
