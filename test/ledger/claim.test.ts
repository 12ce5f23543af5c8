// Offer binding and claiming for the gateway's paid retry: one credential matches one reservation,
// once, for the same agent and tool; internal holds (audit: false) never reach D1.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { LedgerStub } from "../../src/ledger/client";
import type { OfferBind, ReserveInput } from "../../src/ledger/types";
import { mppOffers } from "../../src/payments/offers";
import { offerTerms } from "../../src/payments/terms";
import { line, newLedger, T0, tx, uid } from "./helpers";

const TTL = 60_000;

function paid(orgId: string, bind: OfferBind | undefined, over: Partial<ReserveInput> = {}): ReserveInput {
  const t = tx(orgId, uid("tx"), { status: "reserved" });
  return {
    idempotencyKey: t.id,
    lines: [line({ key: "day", limit: "1000", amount: "300" })],
    ttlMs: TTL,
    now: T0,
    tx: t,
    ...(bind ? { bind } : {}),
    ...over,
  };
}

const ARGS = "a".repeat(64);

/** A real-format MPP challenge for `key` (its id), as the gateway would bind it. */
function challenge(key: string) {
  return {
    id: key,
    realm: "tests",
    method: "test",
    intent: "charge",
    request: { amount: "300", currency: "0x20c0000000000000000000000000000000000000", recipient: "0x1" },
    expires: "2099-01-01T00:00:00Z",
  };
}

function terms(key: string): string {
  const offer = mppOffers([challenge(key)]).offers[0];
  return offer ? offerTerms(offer) : JSON.stringify({ key });
}

const bind = (offerKeys: string[], tool = "search", agentId = "agent-1"): OfferBind => ({
  offers: offerKeys.map((key) => ({ key, terms: terms(key) })),
  tool,
  agentId,
  argsHash: ARGS,
  sessionId: null,
});

async function reserved(stub: LedgerStub, input: ReserveInput): Promise<string> {
  const r = await stub.reserve(input);
  if (!r.ok) throw new Error(`reserve refused: ${r.reason}`);
  return r.reservationId;
}

async function bindingCount(stub: LedgerStub): Promise<number> {
  return runInDurableObject(
    stub,
    (_i, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM offer_bindings").one().n,
  );
}

const claim = (
  stub: LedgerStub,
  offerKey: string,
  over: { tool?: string; agentId?: string; now?: number; argsHash?: string; sessionId?: string | null } = {},
) =>
  stub.claim({
    offerKey,
    tool: over.tool ?? "search",
    agentId: over.agentId ?? "agent-1",
    argsHash: over.argsHash ?? ARGS,
    sessionId: over.sessionId ?? null,
    credential: { protocol: "mpp", challengeId: offerKey, challenge: challenge(offerKey) },
    holdMs: 60_000,
    now: over.now ?? T0 + 1_000,
  });

describe("claim", () => {
  it("matches a paid retry to its reservation, which then commits once", async () => {
    const { orgId, stub } = newLedger();
    const id = await reserved(stub, paid(orgId, bind(["ch-1"])));
    expect(await claim(stub, "ch-1")).toMatchObject({
      ok: true,
      reservationId: id,
      offerKey: "ch-1",
      lines: [{ key: "day", amount: "300", kind: "money" }],
    });
    expect(await stub.commit({ reservationId: id, now: T0 + 2_000 })).toMatchObject({
      ok: true,
      status: "committed",
    });
    expect(await stub.commit({ reservationId: id, now: T0 + 3_000 })).toMatchObject({
      ok: true,
      committedAt: T0 + 2_000,
    });
    expect(await stub.release({ reservationId: id, reason: "late", now: T0 + 3_000 })).toMatchObject({
      status: "committed",
    });
    expect(await claim(stub, "ch-1", { now: T0 + 4_000 })).toEqual({ ok: false, reason: "used" });
    expect(await stub.verify()).toEqual({ ok: true });
  });

  it("refuses a second claim of the same key, and of a sibling key of the same reservation", async () => {
    const { orgId, stub } = newLedger();
    const id = await reserved(stub, paid(orgId, bind(["mpp-a", "mpp-b"])));
    expect(await claim(stub, "mpp-a")).toMatchObject({ ok: true, reservationId: id });
    expect(await claim(stub, "mpp-a")).toEqual({ ok: false, reason: "used" });
    expect(await claim(stub, "mpp-b")).toEqual({ ok: false, reason: "used" });
    // Claimed but still pending: it can be released exactly once.
    expect(await stub.release({ reservationId: id, reason: "refused", now: T0 + 2_000 })).toMatchObject({
      status: "released",
    });
    expect(await stub.commit({ reservationId: id, now: T0 + 3_000 })).toEqual({
      ok: false,
      reason: "already_released",
    });
  });

  it("answers expired once the hold lapsed, whether or not a sweep ran", async () => {
    const { orgId, stub } = newLedger();
    await reserved(stub, paid(orgId, bind(["late"])));
    expect(await claim(stub, "late", { now: T0 + TTL })).toEqual({ ok: false, reason: "expired" });

    await reserved(stub, paid(orgId, bind(["swept"])));
    expect(await stub.sweep({ now: T0 + TTL + 1 })).toMatchObject({ expired: 1 });
    expect(await claim(stub, "swept", { now: T0 + TTL + 2 })).toEqual({ ok: false, reason: "expired" });
    expect(await stub.verify()).toEqual({ ok: true });
  });

  it("answers tool_mismatch for a live binding made for another tool, and leaves it claimable", async () => {
    const { orgId, stub } = newLedger();
    const id = await reserved(stub, paid(orgId, bind(["k"], "search")));
    expect(await claim(stub, "k", { tool: "fetch" })).toEqual({ ok: false, reason: "tool_mismatch" });
    expect(await claim(stub, "k", { tool: "search" })).toMatchObject({ ok: true, reservationId: id });
  });

  it("never shows one agent's binding to another (unknown), and unknown keys are unknown", async () => {
    const { orgId, stub } = newLedger();
    await reserved(stub, paid(orgId, bind(["mine"], "search", "agent-1")));
    expect(await claim(stub, "mine", { agentId: "agent-2" })).toEqual({ ok: false, reason: "unknown" });
    expect(await claim(stub, "never-issued")).toEqual({ ok: false, reason: "unknown" });
    // The other agent's probe did not spend it.
    expect(await claim(stub, "mine")).toMatchObject({ ok: true });
  });

  it("claims identical x402 offer keys FIFO across reservations, one each", async () => {
    const { orgId, stub } = newLedger();
    const key = "x402:base:usdc:0xpayto:1500";
    const first = await reserved(stub, paid(orgId, bind([key, "x402:other"])));
    const second = await reserved(stub, paid(orgId, bind([key]), { now: T0 + 10 }));
    expect(await claim(stub, key)).toMatchObject({ ok: true, reservationId: first });
    expect(await claim(stub, key)).toMatchObject({ ok: true, reservationId: second });
    expect(await claim(stub, key)).toEqual({ ok: false, reason: "used" });
    expect(await claim(stub, "x402:other")).toEqual({ ok: false, reason: "used" });
  });

  it("lets exactly one of 50 concurrent claims of one key through", async () => {
    const { orgId, stub } = newLedger();
    const id = await reserved(stub, paid(orgId, bind(["dup"])));
    const results = await Promise.all(Array.from({ length: 50 }, () => claim(stub, "dup")));
    const wins = results.filter((r) => r.ok);
    expect(wins).toMatchObject([{ ok: true, reservationId: id, offerKey: "dup" }]);
    expect(wins).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === "used")).toHaveLength(49);
  });

  it("stores no binding when the reservation is refused", async () => {
    const { orgId, stub } = newLedger();
    const r = await stub.reserve(
      paid(orgId, bind(["too-dear"]), { lines: [line({ key: "day", limit: "100", amount: "300" })] }),
    );
    expect(r).toMatchObject({ ok: false, reason: "budget_exceeded" });
    expect(await bindingCount(stub)).toBe(0);
    expect(await claim(stub, "too-dear")).toEqual({ ok: false, reason: "unknown" });
  });

  it("replays a reserve with bind without duplicating bindings; a different bind conflicts", async () => {
    const { orgId, stub } = newLedger();
    const input = paid(orgId, bind(["a", "b", "a"]));
    const first = await stub.reserve(input);
    expect(await stub.reserve(input)).toEqual(first);
    expect(await bindingCount(stub)).toBe(2);
    expect(await stub.reserve({ ...input, bind: bind(["a", "c"]) })).toMatchObject({
      ok: false,
      reason: "idempotency_conflict",
    });
    expect(await bindingCount(stub)).toBe(2);
    expect(await stub.reserve({ ...input, audit: true })).toEqual(first);
    expect(await stub.reserve({ ...input, audit: false })).toMatchObject({ reason: "idempotency_conflict" });
  });

  it("rejects malformed binds and claims as input errors", async () => {
    const { orgId, stub } = newLedger();
    const keys = Array.from({ length: 17 }, (_, i) => `k${i}`);
    // Awaited inside a plain async function: an RPC promise handed to `rejects` directly is
    // reported by workerd as an unhandled rejection.
    const fails = (call: () => Promise<unknown>) => expect((async () => await call())()).rejects;
    await fails(() => stub.reserve(paid(orgId, bind(keys)))).toThrow("invalid_input: bind.offers");
    await fails(() => stub.reserve(paid(orgId, bind(["x".repeat(2001)])))).toThrow(
      "invalid_input: bind.offers.0",
    );
    await fails(() => stub.reserve(paid(orgId, bind([])))).toThrow("invalid_input: bind.offers");
    await fails(() => claim(stub, "")).toThrow("invalid_input: offerKey");
    expect(await bindingCount(stub)).toBe(0);
  });
});

describe("audit: false", () => {
  async function d1Ids(orgId: string): Promise<string[]> {
    const rows = await env.DB.prepare("SELECT id FROM transactions WHERE org_id = ? ORDER BY id")
      .bind(orgId)
      .all<{ id: string }>();
    return rows.results.map((r) => r.id);
  }

  it("keeps internal holds out of D1 while audited ones arrive, through every status", async () => {
    const { orgId, stub } = newLedger();
    const counter = line({
      key: "calls",
      window: "minute",
      unit: "call",
      kind: "count",
      limit: "4",
      amount: "1",
    });
    const hold = (audit: boolean | undefined, now = T0) => {
      const t = tx(orgId, uid(audit === false ? "hold" : "audited"), { kind: "free", status: "reserved" });
      return stub.reserve({
        idempotencyKey: t.id,
        lines: [counter],
        ttlMs: TTL,
        now,
        tx: t,
        ...(audit === undefined ? {} : { audit }),
      });
    };
    const committed = await hold(false);
    const released = await hold(false);
    const expiring = await hold(false);
    const audited = await hold(undefined);
    if (!committed.ok || !released.ok || !expiring.ok || !audited.ok) throw new Error("reserve refused");
    // Internal holds count like any other: the fifth call is refused by the limit of 4.
    const denied = await hold(false);
    expect(denied).toMatchObject({ ok: false, reason: "budget_exceeded" });
    await stub.commit({ reservationId: committed.reservationId, now: T0 + 1 });
    await stub.release({ reservationId: released.reservationId, reason: "tool_failed", now: T0 + 1 });
    await stub.commit({ reservationId: audited.reservationId, now: T0 + 1 });
    await stub.updateTx({ id: committed.reservationId, patch: { reason: "x" }, now: T0 + 2 });
    expect(await stub.flush()).toBe(1);
    expect(await stub.sweep({ now: T0 + TTL + 1 })).toEqual({ expired: 1, flushed: 0, outboxPending: 0 });
    expect(await stub.getReservation({ reservationId: expiring.reservationId })).toMatchObject({
      status: "expired",
    });
    expect(await d1Ids(orgId)).toEqual([audited.reservationId]);
    expect(await stub.verify()).toEqual({ ok: true });
  });
});
