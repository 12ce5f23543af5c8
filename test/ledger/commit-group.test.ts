// Group commit: concurrent decisions share one storage commit, yet each stays atomic on its own.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CommitGroup } from "../../src/ledger/commit-group";
import { line, newLedger, T0, tx, uid } from "./helpers";

describe("CommitGroup", () => {
  it("rolls back only the call that threw; the rest of its batch commits", async () => {
    const { stub } = newLedger();
    const seen = await runInDurableObject(stub, async (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec("CREATE TABLE IF NOT EXISTS scratch (v TEXT)");
      let rollbacks = 0;
      let armed = 0;
      const group = new CommitGroup(
        state.storage,
        async () => {
          armed += 1;
        },
        () => {
          rollbacks += 1;
        },
      );
      const write = (v: string, fail = false) =>
        group.run(() => {
          sql.exec("INSERT INTO scratch (v) VALUES (?)", v);
          if (fail) throw new Error(`boom ${v}`);
          return v;
        });
      // The first call runs at once, alone; the others queue behind its commit and run as one batch.
      const calls = [write("a"), write("b"), write("c", true), write("d")];
      const settled = await Promise.allSettled(calls);
      return {
        settled: settled.map((s) => (s.status === "fulfilled" ? s.value : (s.reason as Error).message)),
        rows: sql
          .exec<{ v: string }>("SELECT v FROM scratch ORDER BY v")
          .toArray()
          .map((r) => r.v),
        sizes: [...group.recentSizes],
        rollbacks,
        armed,
      };
    });
    expect(seen.settled).toEqual(["a", "b", "boom c", "d"]);
    expect(seen.rows).toEqual(["a", "b", "d"]);
    expect(seen.sizes).toEqual([1, 3]);
    expect(seen.rollbacks).toBeGreaterThanOrEqual(1);
    expect(seen.armed).toBe(2);
  });

  it("batches concurrent ledger calls and keeps the ledger consistent", async () => {
    const { orgId, stub } = newLedger();
    const l = line({ key: "d", limit: "100000", amount: "10" });
    const results = await Promise.all(
      Array.from({ length: 40 }, () => {
        const t = tx(orgId);
        return stub.reserve({ idempotencyKey: uid("k"), lines: [l], ttlMs: 60_000, now: T0, tx: t });
      }),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const sizes = await runInDurableObject(stub, (instance) => [
      ...(instance as unknown as { group: CommitGroup }).group.recentSizes,
    ]);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(40);
    expect(Math.max(...sizes)).toBeGreaterThan(1);
    expect((await stub.balances({ lines: [l], now: T0 }))[0]).toMatchObject({ reserved: "400" });
    expect(await stub.verify()).toEqual({ ok: true });
  });
});
