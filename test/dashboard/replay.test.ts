// The policy editor's "what would this change do?": a replay of the edited text over the last days'
// recorded calls, shown as totals and a table of the calls that flip, before anything is saved.
import { describe, expect, it } from "vitest";
import { api, insertTransaction, newOrg } from "../admin/helpers";
import { post, signIn } from "./helpers";

describe("policy editor replay", () => {
  it("shows the calls a tighter cap would refuse and the spend it would prevent, saving nothing", async () => {
    const { orgId, adminKey } = await newOrg();
    const now = Date.now();
    await insertTransaction(orgId, {
      id: "tx_cheap",
      tool: "search",
      amount: "300",
      committedAmount: "300",
      createdAt: now - 3_600_000,
    });
    await insertTransaction(orgId, {
      id: "tx_dear",
      tool: "search",
      amount: "900",
      committedAmount: "900",
      createdAt: now - 1_800_000,
    });
    const cookie = await signIn(adminKey);
    const source =
      'version: "1"\ncurrency: USD\ntools:\n  search:\n    rules:\n      - name: "cap"\n        spend:\n          per_call: 5.00\n';
    const r = await post(
      cookie,
      "/dashboard/policies",
      { action: "replay", source, replayDays: "1" },
      "/dashboard/policies",
    );
    expect(r.status).toBe(200);
    expect(r.html).toContain("Replay: 1 of 2 calls would change");
    expect(r.html).toContain("9.00 USD");
    expect(r.html).toContain("per_call_limit");
    expect(r.html).toContain('aria-label="Calls whose decision changes"');
    const versions = await api("GET", "/org/policies", { token: adminKey });
    expect(versions.body.data).toHaveLength(0);
  });
});
