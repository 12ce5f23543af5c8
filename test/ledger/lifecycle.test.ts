// Reserve / commit / release / extend semantics of one tenant ledger, through the real stub.
import { describe, expect, it } from "vitest";
import { line, newLedger, T0, tx, uid } from "./helpers";

describe("reserve holds every line or none", () => {
  it("reserves across lines and reports balances", async () => {
    const { orgId, stub } = newLedger();
    const t = tx(orgId);
    const r = await stub.reserve({
      idempotencyKey: uid("k"),
      lines: [
        line({ key: "org:day", limit: "1000", amount: "300" }),
        line({ key: "calls", kind: "count", unit: "call", limit: "5", amount: "1" }),
      ],
      ttlMs: 60_000,
      now: T0,
      tx: t,
    });
    expect(r).toMatchObject({ ok: true, reservationId: t.id, expiresAt: T0 + 60_000 });
    if (!r.ok) throw new Error("expected ok");
    expect(r.balances[0]).toMatchObject({
      key: "org:day",
      committed: "0",
      reserved: "300",
      remaining: "700",
      windowStart: T0,
      windowEnd: T0 + 86_400_000,
    });
    expect(r.balances[1]).toMatchObject({ key: "calls", reserved: "1", remaining: "4" });
    expect(await stub.verify()).toEqual({ ok: true });
  });

  it("denies with the first refusing line and touches nothing", async () => {
    const { orgId, stub } = newLedger();
    const lines = [
      line({ key: "a", limit: "1000", amount: "600" }),
      line({ key: "b", limit: "500", amount: "600" }),
      line({ key: "c", limit: "1", amount: "600" }),
    ];
    const t = tx(orgId);
    const r = await stub.reserve({ idempotencyKey: uid("k"), lines, ttlMs: 60_000, now: T0, tx: t });
    expect(r).toMatchObject({
      ok: false,
      reason: "budget_exceeded",
      scope: { key: "b", limit: "500", used: "0", remaining: "500", resetsAt: T0 + 86_400_000 },
    });
    const bal = await stub.balances({ lines, now: T0 });
    expect(bal.map((b) => b.reserved)).toEqual(["0", "0", "0"]);
    expect(await stub.getReservation({ reservationId: t.id })).toBeNull();
  });

  it("zero lines is a free allow that still records", async () => {
    const { orgId, stub } = newLedger();
    const t = tx(orgId, uid("tx"), { kind: "free", amount: null });
    const r = await stub.reserve({ idempotencyKey: uid("k"), lines: [], ttlMs: 1_000, now: T0, tx: t });
    expect(r).toMatchObject({ ok: true, reservationId: t.id, balances: [] });
    expect(await stub.commit({ reservationId: t.id, now: T0 + 10 })).toMatchObject({ ok: true, lines: [] });
  });

  it("canary: a $0 budget line always denies, even for a zero-priced call on a second line", async () => {
    const { orgId, stub } = newLedger("canary");
    for (const amount of ["1", "100", "999999999999999999999999"]) {
      const r = await stub.reserve({
        idempotencyKey: uid("k"),
        lines: [line({ key: "zero", limit: "0", amount })],
        ttlMs: 60_000,
        now: T0,
        tx: tx(orgId),
      });
      expect(r).toMatchObject({ ok: false, reason: "budget_exceeded", scope: { key: "zero", limit: "0" } });
    }
  });
});

describe("commit settles against the reservation", () => {
  it("commits less than reserved and returns the difference", async () => {
    const { orgId, stub } = newLedger();
    const l = line({ key: "d", limit: "1000", amount: "400" });
    const t = tx(orgId);
    await stub.reserve({ idempotencyKey: uid("k"), lines: [l], ttlMs: 60_000, now: T0, tx: t });
    const c = await stub.commit({
      reservationId: t.id,
      now: T0 + 5,
      actualAmounts: { d: "150" },
      receiptRef: "rcpt-1",
    });
    expect(c).toMatchObject({
      ok: true,
      status: "committed",
      lines: [{ key: "d", reserved: "400", charged: "150", released: "250", overage: "none" }],
    });
    const [b] = await stub.balances({ lines: [l], now: T0 + 6 });
    expect(b).toMatchObject({ committed: "150", reserved: "0", remaining: "850" });
    // Committing twice is a no-op returning the first result, even with other amounts.
    expect(await stub.commit({ reservationId: t.id, now: T0 + 7, actualAmounts: { d: "1" } })).toEqual(c);
    expect(await stub.verify()).toEqual({ ok: true });
  });

  it("applies the overage policy of each line when actual exceeds reserved", async () => {
    const { orgId, stub } = newLedger();
    const reject = line({ key: "r", limit: "1000", amount: "100" });
    const t1 = tx(orgId);
    await stub.reserve({ idempotencyKey: uid("k"), lines: [reject], ttlMs: 60_000, now: T0, tx: t1 });
    expect(await stub.commit({ reservationId: t1.id, now: T0, actualAmounts: { r: "101" } })).toMatchObject({
      ok: false,
      reason: "overage_rejected",
      available: "1000",
    });
    // The reservation stays active and can still be committed within its hold.
    expect(await stub.getReservation({ reservationId: t1.id })).toMatchObject({ status: "active" });

    const capped = line({ key: "cap", limit: "500", amount: "300", overage: "allow_if_available" });
    const t2 = tx(orgId);
    const t3 = tx(orgId);
    await stub.reserve({ idempotencyKey: uid("k"), lines: [capped], ttlMs: 60_000, now: T0, tx: t2 });
    await stub.reserve({
      idempotencyKey: uid("k"),
      lines: [{ ...capped, amount: "100" }],
      ttlMs: 60_000,
      now: T0,
      tx: t3,
    });
    const c2 = await stub.commit({ reservationId: t2.id, now: T0, actualAmounts: { cap: "900" } });
    expect(c2).toMatchObject({
      ok: true,
      lines: [{ actual: "900", charged: "400", overage: "capped", debt: "0" }],
    });
    const [b2] = await stub.balances({ lines: [capped], now: T0 });
    expect(b2).toMatchObject({ committed: "400", reserved: "100", remaining: "0" });

    const od = line({
      key: "od",
      limit: "100",
      amount: "100",
      overage: "allow_with_overdraft",
      overdraftLimit: "50",
    });
    const t4 = tx(orgId);
    const t5 = tx(orgId);
    await stub.reserve({ idempotencyKey: uid("k"), lines: [od], ttlMs: 60_000, now: T0, tx: t4 });
    expect(await stub.commit({ reservationId: t4.id, now: T0, actualAmounts: { od: "151" } })).toMatchObject({
      ok: false,
      reason: "overdraft_limit_exceeded",
    });
    expect(await stub.commit({ reservationId: t4.id, now: T0, actualAmounts: { od: "130" } })).toMatchObject({
      ok: true,
      lines: [{ charged: "130", overage: "overdraft", debt: "30" }],
    });
    const [b4] = await stub.balances({ lines: [od], now: T0 });
    expect(b4).toMatchObject({ committed: "130", remaining: "-30" });
    // In debt the line admits nothing new.
    expect(
      await stub.reserve({
        idempotencyKey: uid("k"),
        lines: [{ ...od, amount: "1" }],
        ttlMs: 60_000,
        now: T0,
        tx: t5,
      }),
    ).toMatchObject({ ok: false });
    expect(await stub.verify()).toEqual({ ok: true });
  });

  it("refuses commit after release or expiry; release is idempotent and a no-op after commit", async () => {
    const { orgId, stub } = newLedger();
    const l = line({ key: "d" });
    const [a, b, c] = [tx(orgId), tx(orgId), tx(orgId)];
    for (const t of [a, b, c])
      await stub.reserve({ idempotencyKey: uid("k"), lines: [l], ttlMs: 10_000, now: T0, tx: t });

    expect(await stub.release({ reservationId: a.id, reason: "upstream_failed", now: T0 + 1 })).toEqual({
      ok: true,
      reservationId: a.id,
      status: "released",
    });
    expect(await stub.release({ reservationId: a.id, reason: "again", now: T0 + 2 })).toEqual({
      ok: true,
      reservationId: a.id,
      status: "released",
    });
    expect(await stub.commit({ reservationId: a.id, now: T0 + 3 })).toEqual({
      ok: false,
      reason: "already_released",
    });

    await stub.commit({ reservationId: b.id, now: T0 + 1 });
    expect(await stub.release({ reservationId: b.id, reason: "late", now: T0 + 2 })).toEqual({
      ok: true,
      reservationId: b.id,
      status: "committed",
    });

    // Exactly at expires_at the hold is gone, swept or not.
    expect(await stub.commit({ reservationId: c.id, now: T0 + 10_000 })).toEqual({
      ok: false,
      reason: "expired",
    });
    expect(await stub.getReservation({ reservationId: c.id })).toMatchObject({ status: "expired" });
    expect(await stub.commit({ reservationId: "nope", now: T0 })).toEqual({ ok: false, reason: "not_found" });
    const [bal] = await stub.balances({ lines: [l], now: T0 + 10_001 });
    expect(bal).toMatchObject({ committed: "100", reserved: "0" });
    expect(await stub.verify()).toEqual({ ok: true });
  });

  it("extend keeps a long call's hold alive and never shortens it", async () => {
    const { orgId, stub } = newLedger();
    const t = tx(orgId);
    await stub.reserve({
      idempotencyKey: uid("k"),
      lines: [line({ key: "d" })],
      ttlMs: 5_000,
      now: T0,
      tx: t,
    });
    expect(await stub.extend({ reservationId: t.id, ttlMs: 30_000, now: T0 + 4_000 })).toEqual({
      ok: true,
      reservationId: t.id,
      expiresAt: T0 + 34_000,
    });
    expect(await stub.extend({ reservationId: t.id, ttlMs: 1_000, now: T0 + 5_000 })).toEqual({
      ok: true,
      reservationId: t.id,
      expiresAt: T0 + 34_000,
    });
    expect(await stub.commit({ reservationId: t.id, now: T0 + 20_000 })).toMatchObject({ ok: true });
    expect(await stub.extend({ reservationId: t.id, ttlMs: 1_000, now: T0 + 21_000 })).toEqual({
      ok: false,
      reason: "not_active",
    });
  });

  it("expired holds stop counting before any sweep runs", async () => {
    const { orgId, stub } = newLedger();
    const l = line({ key: "d", limit: "100", amount: "100" });
    await stub.reserve({ idempotencyKey: uid("k"), lines: [l], ttlMs: 1_000, now: T0, tx: tx(orgId) });
    expect(
      await stub.reserve({
        idempotencyKey: uid("k"),
        lines: [l],
        ttlMs: 1_000,
        now: T0 + 999,
        tx: tx(orgId),
      }),
    ).toMatchObject({ ok: false });
    const [b] = await stub.balances({ lines: [l], now: T0 + 1_000 });
    expect(b).toMatchObject({ reserved: "0", remaining: "100" });
    expect(
      await stub.reserve({
        idempotencyKey: uid("k"),
        lines: [l],
        ttlMs: 1_000,
        now: T0 + 1_000,
        tx: tx(orgId),
      }),
    ).toMatchObject({ ok: true });
  });
});
