// The ledger's contract at its edges: window roll-over between reserve and commit, idempotency
// replay and conflict, and input validation that names the field and changes nothing.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { LedgerStub } from "../../src/ledger/client";
import { line, newLedger, T0, tx, uid } from "./helpers";

async function journalLength(stub: LedgerStub): Promise<number> {
  return runInDurableObject(
    stub,
    (_i, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM journal").one().n,
  );
}

describe("a settlement counts in the window its reservation was made in", () => {
  it.each([
    // 23:59:30 local on each side of midnight in the line's zone.
    ["Asia/Shanghai", "2031-01-15T15:59:30Z", "2031-01-15T16:00:30Z"],
    // New York, the evening before the spring-forward day and the evening before the fall-back day.
    ["America/New_York", "2031-03-09T04:59:30Z", "2031-03-09T05:00:30Z"],
    ["America/New_York", "2031-11-03T04:59:30Z", "2031-11-03T05:00:30Z"],
    // Month ends: 28, 29, 30 and 31-day months rolling into the next.
    ["UTC", "2031-02-28T23:59:30Z", "2031-03-01T00:00:30Z"],
    ["UTC", "2032-02-29T23:59:30Z", "2032-03-01T00:00:30Z"],
    ["UTC", "2031-04-30T23:59:30Z", "2031-05-01T00:00:30Z"],
    ["UTC", "2031-01-31T23:59:30Z", "2031-02-01T00:00:30Z"],
  ])("%s: reserve at %s, commit at %s", async (timeZone, reserveAt, commitAt) => {
    const { orgId, stub } = newLedger();
    const day = line({ key: "day", timeZone, window: "day", limit: "500", amount: "300" });
    const month = line({ key: "month", timeZone, window: "month", limit: "10000", amount: "300" });
    const t = tx(orgId);
    const r0 = Date.parse(reserveAt);
    const c0 = Date.parse(commitAt);
    const r = await stub.reserve({
      idempotencyKey: uid("k"),
      lines: [day, month],
      ttlMs: 120_000,
      now: r0,
      tx: t,
    });
    if (!r.ok) throw new Error("reserve failed");
    expect(r.balances[0]!.windowEnd).toBeLessThanOrEqual(c0);

    expect(
      await stub.commit({ reservationId: t.id, now: c0, actualAmounts: { day: "250", month: "250" } }),
    ).toMatchObject({ ok: true });
    const [oldDay, oldMonth] = await stub.balances({ lines: [day, month], now: r0 });
    const [newDay] = await stub.balances({ lines: [day], now: c0 });
    expect(oldDay).toMatchObject({ committed: "250", reserved: "0", windowEnd: r.balances[0]!.windowEnd });
    expect(newDay).toMatchObject({
      committed: "0",
      reserved: "0",
      remaining: "500",
      windowStart: r.balances[0]!.windowEnd,
    });
    if (reserveAt.slice(0, 7) !== commitAt.slice(0, 7) && timeZone === "UTC") {
      expect(oldMonth).toMatchObject({ committed: "250" });
      expect((await stub.balances({ lines: [month], now: c0 }))[0]).toMatchObject({ committed: "0" });
    }
    expect(await stub.getReservation({ reservationId: t.id })).toMatchObject({
      status: "committed",
      lines: [
        { key: "day", windowEnd: r.balances[0]!.windowEnd, charged: "250" },
        { key: "month", charged: "250" },
      ],
    });
    expect(await stub.verify()).toEqual({ ok: true });
  });

  it("a release after the roll-over returns the hold to the old window", async () => {
    const { orgId, stub } = newLedger();
    const day = line({ key: "day", timeZone: "Asia/Shanghai", limit: "100", amount: "100" });
    const t = tx(orgId);
    const before = Date.parse("2031-01-15T15:59:59Z");
    await stub.reserve({ idempotencyKey: uid("k"), lines: [day], ttlMs: 60_000, now: before, tx: t });
    // The new day is empty even while the old day's hold is live.
    expect(
      await stub.reserve({
        idempotencyKey: uid("k"),
        lines: [day],
        ttlMs: 60_000,
        now: before + 2_000,
        tx: tx(orgId),
      }),
    ).toMatchObject({ ok: true });
    await stub.release({ reservationId: t.id, reason: "cancelled", now: before + 3_000 });
    expect((await stub.balances({ lines: [day], now: before }))[0]).toMatchObject({
      reserved: "0",
      committed: "0",
    });
    expect((await stub.balances({ lines: [day], now: before + 3_000 }))[0]).toMatchObject({
      reserved: "100",
    });
    expect(await stub.verify()).toEqual({ ok: true });
  });
});

describe("idempotency", () => {
  it("replays the first answer for the same key and parameters, whatever `now` says", async () => {
    const { orgId, stub } = newLedger();
    const l = line({ key: "d", limit: "100", amount: "60" });
    const t = tx(orgId);
    const key = uid("k");
    const first = await stub.reserve({ idempotencyKey: key, lines: [l], ttlMs: 60_000, now: T0, tx: t });
    const again = await stub.reserve({
      idempotencyKey: key,
      lines: [l],
      ttlMs: 60_000,
      now: T0 + 5_000,
      tx: t,
    });
    expect(again).toEqual(first);
    // Defaults filled in or spelled out are the same parameters.
    const spelled = { ...l, overage: "reject" as const, overdraftLimit: "0" };
    expect(
      await stub.reserve({ idempotencyKey: key, lines: [spelled], ttlMs: 60_000, now: T0, tx: t }),
    ).toEqual(first);
    expect((await stub.balances({ lines: [l], now: T0 }))[0]).toMatchObject({ reserved: "60" });

    // A denial is an answer too: replayed, even after the budget frees up.
    const denied = tx(orgId);
    const dkey = uid("k");
    const d1 = await stub.reserve({ idempotencyKey: dkey, lines: [l], ttlMs: 60_000, now: T0, tx: denied });
    expect(d1).toMatchObject({ ok: false, reason: "budget_exceeded" });
    await stub.release({ reservationId: t.id, reason: "done", now: T0 + 1 });
    expect(
      await stub.reserve({ idempotencyKey: dkey, lines: [l], ttlMs: 60_000, now: T0 + 2, tx: denied }),
    ).toEqual(d1);
  });

  it("refuses the same key with different parameters, and a reused tx id under a new key", async () => {
    const { orgId, stub } = newLedger();
    const l = line({ key: "d", limit: "1000", amount: "60" });
    const t = tx(orgId);
    const key = uid("k");
    await stub.reserve({ idempotencyKey: key, lines: [l], ttlMs: 60_000, now: T0, tx: t });
    const n = await journalLength(stub);
    for (const changed of [
      { lines: [{ ...l, amount: "61" }], ttlMs: 60_000, tx: t },
      { lines: [l], ttlMs: 60_001, tx: t },
      { lines: [l], ttlMs: 60_000, tx: { ...t, tool: "other" } },
      { lines: [{ ...l, timeZone: "Asia/Tokyo" }], ttlMs: 60_000, tx: t },
    ]) {
      expect(await stub.reserve({ idempotencyKey: key, now: T0, ...changed })).toMatchObject({
        ok: false,
        reason: "idempotency_conflict",
      });
    }
    expect(
      await stub.reserve({ idempotencyKey: uid("k"), lines: [l], ttlMs: 60_000, now: T0, tx: t }),
    ).toMatchObject({ ok: false, reason: "idempotency_conflict" });
    expect(await journalLength(stub)).toBe(n);
    expect((await stub.balances({ lines: [l], now: T0 }))[0]).toMatchObject({ reserved: "60" });
  });
});

describe("bad input is a typed error that changes nothing", () => {
  it("names the field for every RPC method", async () => {
    const { orgId, stub } = newLedger();
    const l = line({ key: "d" });
    const t = tx(orgId);
    await stub.reserve({ idempotencyKey: uid("k"), lines: [l], ttlMs: 60_000, now: T0, tx: t });
    const n = await journalLength(stub);
    const bad = (v: unknown) => v as never;
    const cases: [string, () => Promise<unknown>][] = [
      [
        "lines.0.limit",
        () =>
          stub.reserve({
            idempotencyKey: "x",
            lines: [{ ...l, limit: "1.5" }],
            ttlMs: 60_000,
            now: T0,
            tx: tx(orgId),
          }),
      ],
      [
        "lines.0.amount",
        () =>
          stub.reserve({
            idempotencyKey: "x",
            lines: [{ ...l, amount: "-1" }],
            ttlMs: 60_000,
            now: T0,
            tx: tx(orgId),
          }),
      ],
      [
        "lines.0.timeZone",
        () =>
          stub.reserve({
            idempotencyKey: "x",
            lines: [{ ...l, timeZone: "Mars/Olympus" }],
            ttlMs: 60_000,
            now: T0,
            tx: tx(orgId),
          }),
      ],
      [
        "lines.0.sessionId",
        () =>
          stub.reserve({
            idempotencyKey: "x",
            lines: [{ ...l, window: "session" }],
            ttlMs: 60_000,
            now: T0,
            tx: tx(orgId),
          }),
      ],
      [
        "lines",
        () => stub.reserve({ idempotencyKey: "x", lines: [l, l], ttlMs: 60_000, now: T0, tx: tx(orgId) }),
      ],
      ["ttlMs", () => stub.reserve({ idempotencyKey: "x", lines: [l], ttlMs: 999, now: T0, tx: tx(orgId) })],
      [
        "ttlMs",
        () => stub.reserve({ idempotencyKey: "x", lines: [l], ttlMs: 86_400_001, now: T0, tx: tx(orgId) }),
      ],
      [
        "tx.kind",
        () =>
          stub.reserve({
            idempotencyKey: "x",
            lines: [l],
            ttlMs: 60_000,
            now: T0,
            tx: bad({ ...tx(orgId), kind: "gift" }),
          }),
      ],
      [
        "idempotencyKey",
        () => stub.reserve({ idempotencyKey: "", lines: [l], ttlMs: 60_000, now: T0, tx: tx(orgId) }),
      ],
      ["now", () => stub.commit({ reservationId: t.id, now: bad("soon") })],
      ["actualAmounts.d", () => stub.commit({ reservationId: t.id, now: T0, actualAmounts: { d: "12.5" } })],
      ["actualAmounts.zzz", () => stub.commit({ reservationId: t.id, now: T0, actualAmounts: { zzz: "1" } })],
      ["ttlMs", () => stub.extend({ reservationId: t.id, ttlMs: 0, now: T0 })],
      ["reservationId", () => stub.release({ reservationId: "", reason: "x", now: T0 })],
      ["tx.status", () => stub.record({ tx: tx(orgId, uid("tx"), { status: "committed" }), now: T0 })],
      ["patch.decision", () => stub.updateTx({ id: t.id, patch: bad({ decision: "maybe" }), now: T0 })],
      ["lines.0.window", () => stub.balances({ lines: [bad({ ...l, window: "fortnight" })], now: T0 })],
      ["reservationId", () => stub.getReservation(bad({}))],
      ["now", () => stub.sweep({ now: -1 })],
    ];
    for (const [field, call] of cases) {
      // Awaited inside a plain async function: an RPC promise handed to `rejects` directly is
      // reported by workerd as an unhandled rejection.
      await expect((async () => await call())(), field).rejects.toThrow(`invalid_input: ${field}`);
    }
    expect(await journalLength(stub)).toBe(n);
    expect(await stub.getReservation({ reservationId: t.id })).toMatchObject({ status: "active" });
    expect(await stub.verify()).toEqual({ ok: true });
  });
});
