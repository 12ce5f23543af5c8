// State that must survive: eviction between reserve and commit, alarm-driven expiry, the outbox to
// D1 (including a D1 failure), and 500 concurrent reserves against one line.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callLedger, ledgerFor } from "../../src/ledger/client";
import { flushOutbox } from "../../src/ledger/outbox";
import { LedgerStore } from "../../src/ledger/store";
import type { TenantLedger } from "../../src/ledger/tenant-ledger";
import { line, newLedger, T0, tx, uid } from "./helpers";

type Row = {
  id: string;
  status: string;
  decision: string;
  committed_amount: string | null;
  receipt_ref: string | null;
  unconfirmed: number;
  reason_code: string | null;
  challenge_id: string | null;
  amount: string | null;
};

async function d1Row(id: string): Promise<Row | null> {
  return env.DB.prepare("SELECT * FROM transactions WHERE id = ?").bind(id).first<Row>();
}

describe("restart", () => {
  it("keeps a reservation across eviction and commits it afterwards", async () => {
    const { orgId, stub } = newLedger();
    const l = line({ key: "d", limit: "500", amount: "200" });
    const t = tx(orgId);
    await stub.reserve({ idempotencyKey: uid("k"), lines: [l], ttlMs: 60_000, now: T0, tx: t });
    await evictDurableObject(stub);
    const fresh = ledgerFor(env, orgId);
    expect(await fresh.getReservation({ reservationId: t.id })).toMatchObject({
      status: "active",
      expiresAt: T0 + 60_000,
    });
    expect(
      await fresh.commit({ reservationId: t.id, now: T0 + 1_000, actualAmounts: { d: "120" } }),
    ).toMatchObject({ ok: true });
    await evictDurableObject(fresh);
    const again = ledgerFor(env, orgId);
    expect((await again.balances({ lines: [l], now: T0 + 2_000 }))[0]).toMatchObject({
      committed: "120",
      reserved: "0",
    });
    expect(await again.verify()).toEqual({ ok: true });
  });
});

describe("alarm", () => {
  it("expires due reservations, flushes, and re-arms at the next expiry", async () => {
    const { orgId, stub } = newLedger();
    const l = line({ key: "d", limit: "500", amount: "200" });
    // The alarm sweeps with the real clock: this hold is already past due, the other is years away.
    // (`later` first: a call at T0 would itself sweep the past-due hold.)
    const due = tx(orgId);
    const later = tx(orgId);
    const past = Date.now() - 10_000;
    await stub.reserve({ idempotencyKey: uid("k"), lines: [l], ttlMs: 60_000, now: T0, tx: later });
    await stub.reserve({ idempotencyKey: uid("k"), lines: [l], ttlMs: 1_000, now: past, tx: due });
    await runDurableObjectAlarm(stub);
    // getReservation does not sweep: the status change is the alarm's.
    expect(await stub.getReservation({ reservationId: due.id })).toMatchObject({ status: "expired" });
    expect(await stub.getReservation({ reservationId: later.id })).toMatchObject({ status: "active" });
    expect(await runInDurableObject(stub, (_i, state) => state.storage.getAlarm())).toBe(T0 + 60_000);
    expect(await d1Row(due.id)).toMatchObject({ status: "expired" });
    expect(await d1Row(later.id)).toMatchObject({ status: "reserved" });
    expect(await stub.commit({ reservationId: due.id, now: Date.now() })).toEqual({
      ok: false,
      reason: "expired",
    });
    expect(await stub.verify()).toEqual({ ok: true });
  });

  it("sweep({ now }) drives expiry deterministically", async () => {
    const { orgId, stub } = newLedger();
    const t = tx(orgId);
    await stub.reserve({
      idempotencyKey: uid("k"),
      lines: [line({ key: "d" })],
      ttlMs: 5_000,
      now: T0,
      tx: t,
    });
    expect(await stub.sweep({ now: T0 + 4_999 })).toMatchObject({ expired: 0 });
    expect(await stub.sweep({ now: T0 + 5_000 })).toMatchObject({ expired: 1, outboxPending: 0 });
    expect(await stub.release({ reservationId: t.id, reason: "late", now: T0 + 6_000 })).toEqual({
      ok: true,
      reservationId: t.id,
      status: "expired",
    });
  });
});

describe("outbox to D1", () => {
  it("upserts every decision with its later facts", async () => {
    const { orgId, stub } = newLedger();
    // The line is in the tx's own unit, so a partial charge on it is the committed amount.
    const l = line({ key: "d", limit: "500", amount: "200", unit: "USD/6" });
    const paid = tx(orgId, uid("tx"), { amount: "200" });
    const denied = tx(orgId);
    const pending = tx(orgId, uid("tx"), {
      decision: "require_approval",
      status: "pending_approval",
      amount: null,
    });
    await stub.reserve({ idempotencyKey: uid("k"), lines: [l], ttlMs: 60_000, now: T0, tx: paid });
    await stub.reserve({
      idempotencyKey: uid("k"),
      lines: [{ ...l, amount: "400" }],
      ttlMs: 60_000,
      now: T0,
      tx: denied,
    });
    expect(await stub.record({ tx: pending, now: T0 })).toEqual({ ok: true, id: pending.id });
    expect(await stub.record({ tx: pending, now: T0 + 1 })).toEqual({ ok: true, id: pending.id });
    expect(await stub.record({ tx: { ...pending, tool: "x" }, now: T0 })).toEqual({
      ok: false,
      reason: "idempotency_conflict",
    });
    await stub.flush();
    expect(await d1Row(paid.id)).toMatchObject({
      status: "reserved",
      decision: "allow",
      amount: "200",
      committed_amount: null,
    });
    expect(await d1Row(denied.id)).toMatchObject({
      status: "denied",
      decision: "deny",
      reason_code: "budget_exceeded",
    });
    expect(await d1Row(pending.id)).toMatchObject({ status: "pending_approval" });

    await stub.commit({
      reservationId: paid.id,
      now: T0 + 10,
      actualAmounts: { d: "150" },
      receiptRef: "rcpt-9",
      unconfirmed: false,
    });
    expect(await stub.updateTx({ id: paid.id, patch: { challengeId: "ch-1" }, now: T0 + 11 })).toEqual({
      ok: true,
      id: paid.id,
    });
    expect(await stub.updateTx({ id: paid.id, patch: { status: "released" }, now: T0 + 11 })).toEqual({
      ok: false,
      reason: "status_owned_by_reservation",
    });
    expect(
      await stub.updateTx({
        id: pending.id,
        patch: { status: "denied", decision: "deny", reasonCode: "approval_rejected" },
        now: T0 + 12,
      }),
    ).toEqual({ ok: true, id: pending.id });
    expect(await stub.updateTx({ id: "missing", patch: {}, now: T0 })).toEqual({
      ok: false,
      reason: "not_found",
    });
    await stub.flush();
    expect(await d1Row(paid.id)).toMatchObject({
      status: "committed",
      committed_amount: "150",
      receipt_ref: "rcpt-9",
      unconfirmed: 0,
      challenge_id: "ch-1",
    });
    expect(await d1Row(pending.id)).toMatchObject({
      status: "denied",
      decision: "deny",
      reason_code: "approval_rejected",
    });
    expect(await stub.verify()).toEqual({ ok: true });
  });

  it("keeps rows through a D1 failure and delivers them on a later flush", async () => {
    const { orgId, stub } = newLedger();
    const t = tx(orgId);
    // Take the table away (an honest D1 failure for this statement), write, and try to flush.
    await env.DB.exec("ALTER TABLE transactions RENAME TO transactions_offline");
    try {
      await stub.reserve({
        idempotencyKey: uid("k"),
        lines: [line({ key: "d" })],
        ttlMs: 60_000,
        now: T0,
        tx: t,
      });
      await stub.commit({ reservationId: t.id, now: T0 + 1, receiptRef: "r-1" });
      const failed = await callLedger(() => stub.flush());
      expect(failed).toMatchObject({ ok: false, error: "ledger_unavailable" });
      expect(await stub.sweep({ now: T0 + 2 })).toMatchObject({ flushed: 0, outboxPending: 1 });
      const attempts = await runInDurableObject(
        stub,
        (_i, state) =>
          state.storage.sql
            .exec<{ a: number }>("SELECT flush_attempts AS a FROM txs WHERE id = ?", t.id)
            .one().a,
      );
      expect(attempts).toBeGreaterThanOrEqual(2);
    } finally {
      await env.DB.exec("ALTER TABLE transactions_offline RENAME TO transactions");
    }
    await stub.flush();
    expect(await d1Row(t.id)).toMatchObject({ status: "committed", receipt_ref: "r-1" });
    expect(await stub.sweep({ now: T0 + 3 })).toMatchObject({ outboxPending: 0 });
  });
});

describe("outbox while a batch is in flight", () => {
  it("sends a row again when it changed during its D1 batch", async () => {
    const { orgId, stub } = newLedger();
    const t = tx(orgId);
    await stub.reserve({
      idempotencyKey: uid("k"),
      lines: [line({ key: "d" })],
      ttlMs: 60_000,
      now: T0,
      tx: t,
    });
    // The real D1, with the commit landing while the batch carrying the "reserved" row is in flight.
    const run = await runInDurableObject(stub, async (instance: TenantLedger, state) => {
      let raced = false;
      const racing = {
        prepare: (q: string) => env.DB.prepare(q),
        batch: async (stmts: D1PreparedStatement[]) => {
          if (!raced) {
            raced = true;
            await instance.commit({ reservationId: t.id, now: T0 + 1, receiptRef: "r-late" });
          }
          return env.DB.batch(stmts);
        },
      } as unknown as D1Database;
      const sent = await flushOutbox(new LedgerStore(state.storage.sql), racing);
      const pending = state.storage.sql
        .exec<{ n: number }>("SELECT COUNT(*) AS n FROM txs WHERE rev > flushed_rev")
        .one().n;
      return { sent, pending };
    });
    // The first round delivered revision 1 only; the next round carried the commit.
    expect(run).toEqual({ sent: 2, pending: 0 });
    expect(await d1Row(t.id)).toMatchObject({ status: "committed", receipt_ref: "r-late" });
  });
});

describe("concurrency", () => {
  it("admits exactly N of 500 concurrent reserves against a line that fits N", async () => {
    const { orgId, stub } = newLedger();
    const N = 137;
    const shared = line({ key: "org:day", limit: String(N * 7), amount: "7" });
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) => {
        const agent = `agent-${i % 25}`;
        return stub.reserve({
          idempotencyKey: uid("k"),
          lines: [line({ key: `agent:${agent}`, limit: "1000000", amount: "7" }), shared],
          ttlMs: 60_000,
          now: T0 + i,
          tx: tx(orgId, uid("tx"), { agentId: agent }),
        });
      }),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(N);
    expect(results.filter((r) => !r.ok && r.reason === "budget_exceeded")).toHaveLength(500 - N);
    const [b] = await stub.balances({ lines: [shared], now: T0 + 500 });
    expect(b).toMatchObject({ reserved: String(N * 7), remaining: "0" });
    expect(await stub.verify()).toEqual({ ok: true });
  });
});
