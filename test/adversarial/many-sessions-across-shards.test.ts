// Attack: an agent of a sharded org (docs/ledger-sharding.md) opens many sessions and fires paid calls
// from all of them at once, while a second agent on another shard does the same, hoping that sessions
// or shards each judge the org's budget on their own. Every session of an agent lands on that agent's
// shard, the shared "*" line is decided within leases from the parent, and the upstream settles no more
// than the budget holds: every settlement is a committed transaction, and nothing stays reserved.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ledgerFor } from "../../src/ledger/client";
import { shardObjectName, shardOf } from "../../src/ledger/lease/shards";
import { withPayer } from "../helpers/mcp-client";
import { globalDailyBudget } from "../helpers/policies";
import { EIGHT_AGENTS, SHARDS, shardOrg } from "../helpers/shards";
import { witness } from "../helpers/witness";
import { attackOrg, connect, transactions } from "./helpers";

describe("one agent's many sessions and another shard's agent against one org budget", () => {
  it("settles at most the budget, all of it committed, nothing left reserved", async () => {
    const org = await attackOrg({ policy: globalDailyBudget("12.00"), agents: EIGHT_AGENTS });
    const { alpha, beta } = await shardOrg(org);

    // Four sessions per agent, two paid calls of 2.00 per session, all in flight together: 16 x 2.00
    // asked against a 12.00 day, so at most 6 can be paid.
    const sessions = await Promise.all(
      [alpha, alpha, alpha, alpha, beta, beta, beta, beta].map(async (n) =>
        withPayer(await connect(org.url(org.agentKeys[n]!))),
      ),
    );
    const outcomes = await Promise.allSettled(
      sessions.flatMap((s, i) =>
        [0, 1].map((k) =>
          s.callTool({ name: "paid_echo", arguments: { text: `s${i}c${k}`, price: `2.0${i}` } }),
        ),
      ),
    );
    const paid = outcomes.filter((o) => o.status === "fulfilled").length;
    // 12.00 holds at most six of 2.00..2.07. A shard may refuse while its lease round trip to the
    // parent is still out (fail closed, counted in bench:scale as false denials), so fewer is allowed.
    expect(paid).toBeGreaterThanOrEqual(1);
    expect(paid).toBeLessThanOrEqual(6);

    for (let s = 0; s < SHARDS; s++) await ledgerFor(env, shardObjectName(org.orgId, s, SHARDS)).flush();
    const rows = await transactions(org.orgId);
    const committed = rows.filter((r) => r.status === "committed");
    const settled = (await witness(org.host)).settlements;
    // Counted: every payment the upstream settled is a committed transaction, and no more were paid.
    expect(settled.length).toBe(paid);
    expect(committed.length).toBe(paid);
    const spent = committed.reduce((a, r) => a + BigInt(r.committed_amount ?? "0"), 0n);
    expect(spent).toBeLessThanOrEqual(12_000_000n);
    expect(rows.filter((r) => r.status === "reserved")).toHaveLength(0);

    // Each agent's calls stayed on its own shard, whichever session made them.
    for (const r of committed) {
      const shard = shardOf(r.agent_id, SHARDS);
      const view = await ledgerFor(env, shardObjectName(org.orgId, shard, SHARDS)).getReservation({
        reservationId: r.id,
      });
      expect(view?.status).toBe("committed");
    }
  });
});
