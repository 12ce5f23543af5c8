// Shard assignment and lease sizing: stable, one shard is today's layout, grants never exceed room
// and shrink as a limit runs out.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isShardLocal, shardObjectName, shardOf } from "../../../src/ledger/lease/shards";
import { FAIR_DIVISOR, leaseSize } from "../../../src/ledger/lease/sizing";

describe("shard assignment", () => {
  it("one shard is the org's own object, as today", () => {
    expect(shardOf("agent_1", 1)).toBe(0);
    expect(shardObjectName("org_1", 0, 1)).toBe("org_1");
    expect(shardObjectName("org_1", 3, 8)).toBe("org_1#s3");
  });

  it("is stable, in range, spread, and moves few agents when a shard is added", () => {
    const agents = Array.from({ length: 4000 }, (_, i) => `agt_${i.toString(36)}`);
    for (const n of [2, 4, 8, 64]) {
      const counts = new Array<number>(n).fill(0);
      for (const a of agents) {
        const s = shardOf(a, n);
        expect(shardOf(a, n)).toBe(s);
        counts[s]! += 1;
      }
      const mean = agents.length / n;
      for (const c of counts) expect(Math.abs(c - mean) < mean * 0.5 + 15).toBe(true);
    }
    const moved = agents.filter((a) => shardOf(a, 8) !== shardOf(a, 9)).length;
    expect(moved / agents.length < 0.2).toBe(true);
    // Pinned so a change of the hash (which would move every agent's counters) fails here.
    expect([shardOf("agt_a", 8), shardOf("agt_b", 8), shardOf("org/agent:x", 64)]).toEqual([5, 2, 38]);
  });

  it("only the agent's own keys are local", () => {
    expect(isShardLocal("a:agt_1:budget:daily:USD/2", "agt_1")).toBe(true);
    expect(isShardLocal("a:agt_10:budget:daily:USD/2", "agt_1")).toBe(false);
    expect(isShardLocal("a:x%3Ay:rate:minute", "x:y")).toBe(true);
    expect(isShardLocal("p:_global:daily:spend:amount:USD/2", "agt_1")).toBe(false);
    expect(isShardLocal("a:agt_1:budget:daily:USD/2", null)).toBe(false);
  });
});

describe("lease sizing", () => {
  it("never grants more than the room, always the need when it fits, nothing when it does not", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -100n, max: 10n ** 12n }),
        fc.bigInt({ min: 0n, max: 10n ** 9n }),
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.integer({ min: 1, max: 256 }),
        (room, need, demand, shards) => {
          const g = leaseSize({ room, need, demand, shards });
          expect(g >= 0n).toBe(true);
          expect(g <= (room > 0n ? room : 0n)).toBe(true);
          if (room > 0n && need <= room) expect(g >= need).toBe(true);
          else expect(g).toBe(0n);
          // Beyond the need, at most the fair share of the room.
          const fair = room > 0n ? room / (FAIR_DIVISOR * BigInt(shards)) : 0n;
          if (g > need) expect(g <= fair).toBe(true);
        },
      ),
    );
  });

  it("grants shrink as the limit runs out", () => {
    const big = leaseSize({ room: 1_000_000n, need: 10n, demand: 100_000n, shards: 8 });
    const small = leaseSize({ room: 400n, need: 10n, demand: 100_000n, shards: 8 });
    expect(big).toBe(31_250n);
    expect(small).toBe(12n);
    expect(leaseSize({ room: 30n, need: 10n, demand: 100_000n, shards: 8 })).toBe(10n);
  });
});
