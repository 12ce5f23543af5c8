// Property test: random reserve / commit / release / replay / expire (advance time + sweep) / evict
// sequences across scopes with different windows and zones, checked after every step against a
// small reference model: same answers, same counters, committed + reserved <= limit, and the
// ledger's own journal check passes.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type LedgerStub, ledgerFor } from "../../src/ledger/client";
import type { ScopeLine, TxRecord } from "../../src/ledger/types";
import { windowBounds } from "../../src/ledger/windows";
import { tx, uid } from "./helpers";

type Scope = Omit<ScopeLine, "amount" | "limit"> & { limit: bigint };
const SCOPES: Scope[] = [
  {
    key: "org:day",
    label: "org day",
    window: "day",
    timeZone: "America/New_York",
    limit: 1000n,
    unit: "USD",
    kind: "money",
  },
  {
    key: "agent:hour",
    label: "agent hour",
    window: "hour",
    timeZone: "Asia/Kolkata",
    limit: 400n,
    unit: "USD",
    kind: "money",
    overage: "allow_if_available",
  },
  {
    key: "org:total",
    label: "all time",
    window: "total",
    timeZone: "UTC",
    limit: 2500n,
    unit: "USD",
    kind: "money",
  },
  {
    key: "session",
    label: "session",
    window: "session",
    timeZone: "UTC",
    limit: 300n,
    unit: "USD",
    kind: "money",
  },
  {
    key: "org:month",
    label: "org month",
    window: "month",
    timeZone: "Asia/Shanghai",
    limit: 1800n,
    unit: "USD",
    kind: "money",
    overage: "allow_if_available",
  },
  {
    key: "calls:week",
    label: "calls",
    window: "week",
    timeZone: "Europe/Amsterdam",
    limit: 12n,
    unit: "call",
    kind: "count",
  },
];
const STARTS = ["2031-03-08T20:00:00Z", "2031-10-31T13:00:00Z", "2031-11-01T22:00:00Z"].map(Date.parse);

type Cmd =
  | { t: "reserve"; scopes: number[]; amount: number; ttl: number; session: number }
  | { t: "commit"; pick: number; pct: number }
  | { t: "release"; pick: number }
  | { t: "replay"; pick: number }
  | { t: "advance"; ms: number }
  | { t: "evict" };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant("reserve" as const),
      scopes: fc.uniqueArray(fc.integer({ min: 0, max: SCOPES.length - 1 }), { maxLength: 4 }),
      amount: fc.integer({ min: 0, max: 450 }),
      ttl: fc.integer({ min: 1_000, max: 4 * 3_600_000 }),
      session: fc.integer({ min: 0, max: 1 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("commit" as const),
      pick: fc.nat(),
      pct: fc.integer({ min: 0, max: 160 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("release" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("replay" as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("advance" as const),
      ms: fc.integer({ min: 1, max: 6 * 3_600_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("evict" as const) }) },
);

type MLine = { key: string; bucket: string; amount: bigint; limit: bigint; overage: string; unit: string };
type MRes = {
  id: string;
  lines: MLine[];
  expiresAt: number;
  status: "active" | "committed" | "released" | "expired";
  input: Parameters<LedgerStub["reserve"]>[0];
  answer: unknown;
};

class Model {
  buckets = new Map<string, { committed: bigint; reserved: bigint; limit: bigint }>();
  res: MRes[] = [];
  cell(k: string, limit: bigint) {
    let c = this.buckets.get(k);
    if (!c) {
      c = { committed: 0n, reserved: 0n, limit };
      this.buckets.set(k, c);
    }
    return c;
  }
  expire(now: number) {
    for (const r of this.res) {
      if (r.status === "active" && r.expiresAt <= now) {
        r.status = "expired";
        for (const l of r.lines) this.cell(l.bucket, l.limit).reserved -= l.amount;
      }
    }
  }
}

function bucketOf(s: Scope, now: number, sessionId: string): string {
  if (s.window === "total") return `${s.key}|total`;
  if (s.window === "session") return `${s.key}|session:${sessionId}`;
  return `${s.key}|${s.window}:${windowBounds(s.window, s.timeZone ?? "UTC", now)!.start}`;
}

async function dbBuckets(stub: LedgerStub) {
  return runInDurableObject(stub, (_i, state) =>
    state.storage.sql
      .exec<{ k: string; committed: string; reserved: string }>(
        "SELECT scope_key || '|' || instance AS k, committed, reserved FROM buckets",
      )
      .toArray(),
  );
}

async function step(c: Cmd, m: Model, ctx: { stub: LedgerStub; orgId: string; now: number }) {
  const { now } = ctx;
  switch (c.t) {
    case "reserve": {
      m.expire(now);
      const sessionId = `sess-${c.session}`;
      const lines: ScopeLine[] = c.scopes.map((i) => {
        const s = SCOPES[i]!;
        const amount = s.kind === "count" ? "1" : String(c.amount);
        return { ...s, limit: s.limit.toString(), amount, ...(s.window === "session" ? { sessionId } : {}) };
      });
      const t: TxRecord = tx(ctx.orgId);
      const input = { idempotencyKey: uid("k"), lines, ttlMs: c.ttl, now, tx: t };
      const answer = await ctx.stub.reserve(input);
      const mlines: MLine[] = c.scopes.map((i, j) => ({
        key: SCOPES[i]!.key,
        bucket: bucketOf(SCOPES[i]!, now, sessionId),
        amount: BigInt(lines[j]!.amount),
        limit: SCOPES[i]!.limit,
        overage: SCOPES[i]!.overage ?? "reject",
        unit: SCOPES[i]!.unit,
      }));
      const refusing = mlines.find((l) => {
        const b = m.buckets.get(l.bucket);
        return (b?.committed ?? 0n) + (b?.reserved ?? 0n) + l.amount > l.limit;
      });
      if (refusing) {
        expect(answer).toMatchObject({ ok: false, reason: "budget_exceeded", scope: { key: refusing.key } });
        return;
      }
      expect(answer).toMatchObject({ ok: true, reservationId: t.id, expiresAt: now + c.ttl });
      for (const l of mlines) m.cell(l.bucket, l.limit).reserved += l.amount;
      m.res.push({ id: t.id, lines: mlines, expiresAt: now + c.ttl, status: "active", input, answer });
      return;
    }
    case "replay": {
      const r = m.res[c.pick % Math.max(1, m.res.length)];
      if (!r) return;
      expect(await ctx.stub.reserve({ ...r.input, now })).toEqual(r.answer);
      m.expire(now);
      return;
    }
    case "commit": {
      const r = m.res[c.pick % Math.max(1, m.res.length)];
      if (!r) return;
      m.expire(now);
      const actual = (l: MLine) => (l.amount * BigInt(c.pct)) / 100n;
      const got = await ctx.stub.commit({
        reservationId: r.id,
        now,
        actualAmounts: Object.fromEntries(r.lines.map((l) => [l.key, actual(l).toString()])),
      });
      if (r.status !== "active") {
        if (r.status === "committed") expect(got).toMatchObject({ ok: true, status: "committed" });
        else
          expect(got).toEqual({
            ok: false,
            reason: r.status === "released" ? "already_released" : "expired",
          });
        return;
      }
      const plans = r.lines.map((l) => {
        const b = m.cell(l.bucket, l.limit);
        const a = actual(l);
        if (a <= l.amount) return { l, charged: a };
        if (l.overage === "reject") return null;
        const room = l.limit - b.committed - (b.reserved - l.amount);
        // biome-ignore lint/complexity/useMathMinMax: bigint, Math.max does not apply
        const cap = room > l.amount ? room : l.amount;
        // biome-ignore lint/complexity/useMathMinMax: bigint, Math.min does not apply
        return { l, charged: a < cap ? a : cap };
      });
      if (plans.some((p) => p === null)) {
        expect(got).toMatchObject({ ok: false, reason: "overage_rejected" });
        return;
      }
      expect(got).toMatchObject({
        ok: true,
        lines: plans.map((p) => ({ key: p!.l.key, charged: p!.charged.toString() })),
      });
      for (const p of plans) {
        const b = m.cell(p!.l.bucket, p!.l.limit);
        b.reserved -= p!.l.amount;
        b.committed += p!.charged;
      }
      r.status = "committed";
      return;
    }
    case "release": {
      const r = m.res[c.pick % Math.max(1, m.res.length)];
      if (!r) return;
      m.expire(now);
      const got = await ctx.stub.release({ reservationId: r.id, reason: "test", now });
      expect(got).toEqual({
        ok: true,
        reservationId: r.id,
        status: r.status === "active" ? "released" : r.status,
      });
      if (r.status === "active") {
        for (const l of r.lines) m.cell(l.bucket, l.limit).reserved -= l.amount;
        r.status = "released";
      }
      return;
    }
    case "advance":
      ctx.now += c.ms;
      m.expire(ctx.now);
      await ctx.stub.sweep({ now: ctx.now });
      return;
    case "evict":
      await ctx.stub.ping(); // eviction needs a running object
      await evictDurableObject(ctx.stub);
      ctx.stub = ledgerFor(env, ctx.orgId);
      return;
  }
}

describe("ledger vs reference model", () => {
  it("agrees after every step of random sequences, and never overspends", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...STARTS),
        fc.array(cmd, { minLength: 5, maxLength: 35 }),
        async (start, cmds) => {
          const orgId = uid("model");
          const ctx = { stub: ledgerFor(env, orgId), orgId, now: start };
          const m = new Model();
          for (const c of cmds) {
            await step(c, m, ctx);
            const rows = await dbBuckets(ctx.stub);
            const db = Object.fromEntries(rows.map((r) => [r.k, `${r.committed}/${r.reserved}`]));
            const model = Object.fromEntries(
              [...m.buckets].map(([k, b]) => [k, `${b.committed}/${b.reserved}`]),
            );
            expect(db).toEqual(model);
            for (const b of m.buckets.values()) expect(b.committed + b.reserved).toBeLessThanOrEqual(b.limit);
            expect(await ctx.stub.verify()).toEqual({ ok: true });
          }
        },
      ),
      { numRuns: 30 },
    );
  }, 120_000);
});
