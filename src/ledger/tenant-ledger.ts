// The tenant ledger Durable Object: single writer of every budget counter of one org. Each RPC
// validates with zod, then decides inside one transactionSync (no awaits mid-decision).
import { DurableObject } from "cloudflare:workers";
import { attachOffersOp, claimOp } from "./claim";
import { CommitGroup } from "./commit-group";
import { LedgerInputError, parseInput } from "./errors";
import { handleLeaseRequest } from "./lease/protocol";
import { shardObjectName } from "./lease/shards";
import {
  answerToWire,
  cellKey,
  earliestLeaseExpiry,
  holdersOf,
  isLeaseParent,
  type LeaseExchangeAnswer,
  LeaseExchangeInput,
  LeaseRecallInput,
  loadParentCell,
  loadRoute,
  parentHeldOf,
  requestFromWire,
  type StoredRoute,
  saveParentHolding,
  saveRoute,
} from "./lease-store";
import { flushOutbox } from "./outbox";
import { flushReceipts, unsignedCount } from "./receipt-flush";
import { balancesOp, reserveFingerprint, reserveOnce } from "./reserve";
import type {
  AttachOffersResult,
  Balance,
  ClaimResult,
  CommitResult,
  ExtendResult,
  RecordResult,
  ReleaseResult,
  ReservationView,
  ReserveResult,
  SweepResult,
  UpdateTxResult,
  VerifyResult,
} from "./results";
import { migrate } from "./schema";
import { commitOp, expireDue, extendOp, releaseOp } from "./settle";
import { giveBackCell, giveBackExpired, type ShardDeps, shardReserve } from "./shard-reserve";
import { instanceFor, LedgerStore } from "./store";
import { recordOp, updateTxOp } from "./txlog";
import {
  AttachOffersInput,
  BalancesInput,
  ClaimInput,
  CommitInput,
  ExtendInput,
  GetReservationInput,
  RecordInput,
  ReleaseInput,
  ReserveInput,
  SweepInput,
  type TxRecord,
  UpdateTxInput,
} from "./types";
import { verifyLedger } from "./verify";

/** Idempotency answers are kept at least this long (Stripe keeps 24 h; we keep 48 h). */
const IDEMPOTENCY_RETENTION_MS = 48 * 3_600_000;
/** Outbox rows wait this long so a burst of decisions goes to D1 in one batch. */
const OUTBOX_DELAY_MS = 1_000;
const MAX_RETRY_DELAY_MS = 60_000;
/** A parent recalls room of one cell from the other shards at most this often. */
const RECALL_INTERVAL_MS = 1_000;

export class TenantLedger extends DurableObject<Env> {
  private readonly store: LedgerStore;
  /** Decisions share storage commits with concurrent ones (see commit-group.ts). */
  protected readonly group: CommitGroup;
  /** Set by a decision that queued outbox rows or changed expiries; the batch then re-arms. */
  private dirty = false;
  /** Mirror of the armed alarm, so the hot path only calls setAlarm when it must move earlier. */
  private alarmAt: number | null = null;
  private flushing: Promise<number> | null = null;
  /** False once signing was found unavailable here (no WALLET_KEK): unsigned receipts then wait unarmed. */
  private canSign = true;
  /** Set when this object is one shard of a sharded org (read from SQLite at start). */
  private route: StoredRoute | null = null;
  /** Set when this object grants leases (the parent of a sharded org): it then refuses unrouted reserves. */
  private isParent = false;
  private readonly leaseInflight = new Map<string, Promise<"granted" | "short" | "unreachable">>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new LedgerStore(ctx.storage.sql, ctx.id.name ?? null);
    this.group = new CommitGroup(
      ctx.storage,
      async () => {
        const dirty = this.dirty;
        this.dirty = false;
        if (dirty) await this.arm(true);
      },
      () => this.store.forgetHints(),
    );
    void ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage);
      this.route = loadRoute(this.store);
      this.isParent = isLeaseParent(this.store);
      this.alarmAt = await ctx.storage.getAlarm();
      // A crash between a decision's commit and its setAlarm would leave work without an alarm.
      await this.armAfterFlush();
    });
  }

  /** A no-op round trip (benchmarks, health checks). */
  async ping(): Promise<string> {
    return "pong";
  }

  async reserve(input: ReserveInput): Promise<ReserveResult> {
    const parsed = parseInput(ReserveInput, input);
    const hash = reserveFingerprint(parsed);
    // A reserve that skipped the lease protocol would spend shared room no lease accounts for.
    if (!parsed.shard && this.isParent) {
      throw new LedgerInputError("shard", "this org's ledger is sharded: reserve through the agent's shard");
    }
    if (parsed.shard) {
      if (!this.route || this.route.index !== parsed.shard.index || this.route.of !== parsed.shard.of) {
        const route = parsed.shard;
        await this.decide(() => saveRoute(this.store, route), false);
        this.route = { ...route };
      }
      return shardReserve(this.shardDeps(), parsed, hash);
    }
    return this.decide(() => {
      expireDue(this.store, parsed.now);
      return reserveOnce(this.store, parsed, hash);
    });
  }

  /**
   * Parent of a sharded org: one shard's lease message for one shared cell (lease/protocol.ts). A
   * stale message (sequence already seen) answers null and changes nothing.
   */
  async leaseExchange(input: LeaseExchangeInput): Promise<LeaseExchangeAnswer | null> {
    const p = parseInput(LeaseExchangeInput, input);
    this.isParent = true;
    const { answer, holders } = await this.decide(() => {
      const cell = loadParentCell(this.store, p.cell, BigInt(p.limit));
      const ans = handleLeaseRequest(cell, requestFromWire(p), { now: p.now, shards: p.shards });
      if (ans) saveParentHolding(this.store, p.cell, p.shard, cell);
      return {
        answer: ans ? answerToWire(ans) : null,
        holders: ans?.short ? holdersOf(this.store, p.cell, p.shard) : [],
      };
    }, false);
    // Short: ask the shards that hold room of this cell to give their unused room back (after the
    // answer's commit, never inside the decision).
    this.recall(p, holders);
    return answer;
  }

  /** Shard of a sharded org: the parent asks for the unused room of `cell` back (another shard was short). */
  async leaseRecall(input: { cell: string; now: number }): Promise<boolean> {
    const { cell, now } = parseInput(LeaseRecallInput, input);
    if (!this.route) return false;
    return giveBackCell(this.shardDeps(), this.route, cell, now);
  }

  /** Last recall per cell: at most one per second, so a herd of short answers is one round of RPCs. */
  private readonly recalledAt = new Map<string, number>();
  private recall(p: LeaseExchangeInput, holders: number[]): void {
    const last = this.recalledAt.get(p.cell) ?? Number.NEGATIVE_INFINITY;
    if (holders.length === 0 || p.now - last < RECALL_INTERVAL_MS) return;
    this.recalledAt.set(p.cell, p.now);
    if (this.recalledAt.size > 1_000) this.recalledAt.clear();
    const asks = holders.map((s) =>
      this.env.LEDGER.getByName(shardObjectName(p.parent, s, p.shards)).leaseRecall({
        cell: p.cell,
        now: p.now,
      }),
    );
    this.ctx.waitUntil(Promise.allSettled(asks));
  }

  /** Parent of a sharded org: what all shards together hold of each shared line (exact balances). */
  async leaseHeld(input: BalancesInput): Promise<string[]> {
    const { lines, now } = parseInput(BalancesInput, input);
    return this.decide(
      () =>
        lines.map((l) => parentHeldOf(this.store, cellKey(l.key, instanceFor(l, now).instance)).toString()),
      false,
    );
  }

  private shardDeps(): ShardDeps {
    return {
      store: this.store,
      decide: (fn) => this.decide(fn),
      exchange: (route, req) => this.env.LEDGER.getByName(route.parent).leaseExchange(req),
      inflight: this.leaseInflight,
    };
  }

  async commit(input: CommitInput): Promise<CommitResult> {
    const parsed = parseInput(CommitInput, input);
    return this.decide(() => {
      expireDue(this.store, parsed.now);
      return commitOp(this.store, parsed);
    });
  }

  async release(input: ReleaseInput): Promise<ReleaseResult> {
    const { reservationId, reason, now, keepCounts } = parseInput(ReleaseInput, input);
    return this.decide(() => {
      expireDue(this.store, now);
      return releaseOp(this.store, reservationId, reason, now, keepCounts ?? false);
    });
  }

  async extend(input: ExtendInput): Promise<ExtendResult> {
    const { reservationId, ttlMs, now } = parseInput(ExtendInput, input);
    return this.decide(() => {
      this.dirty ||= expireDue(this.store, now) > 0;
      return extendOp(this.store, reservationId, ttlMs, now);
    }, false);
  }

  /**
   * Match a paid retry to the oldest live reservation bound to its offer key for this agent, tool,
   * arguments and session whose terms its credential pays, once (claim.ts). A refusal claims nothing.
   */
  async claim(input: ClaimInput): Promise<ClaimResult> {
    const parsed = parseInput(ClaimInput, input);
    return this.decide(() => {
      this.dirty ||= expireDue(this.store, parsed.now) > 0;
      return claimOp(this.store, parsed);
    }, false);
  }

  /** Bind a challenge's offers to an existing hold (see claim.ts attachOffersOp). */
  async attachOffers(input: AttachOffersInput): Promise<AttachOffersResult> {
    const parsed = parseInput(AttachOffersInput, input);
    return this.decide(() => {
      this.dirty ||= expireDue(this.store, parsed.now) > 0;
      return attachOffersOp(this.store, parsed);
    }, false);
  }

  /** `tx.status` must be allowed | denied | pending_approval (checked at runtime). */
  async record(input: { tx: TxRecord; now: number }): Promise<RecordResult> {
    const { tx, now } = parseInput(RecordInput, input);
    return this.decide(() => recordOp(this.store, tx, now));
  }

  async updateTx(input: UpdateTxInput): Promise<UpdateTxResult> {
    const { id, patch, now } = parseInput(UpdateTxInput, input);
    return this.decide(() => updateTxOp(this.store, id, patch, now));
  }

  async balances(input: BalancesInput): Promise<Balance[]> {
    const { lines, now } = parseInput(BalancesInput, input);
    return this.decide(() => {
      this.dirty ||= expireDue(this.store, now) > 0;
      return balancesOp(this.store, lines, now);
    }, false);
  }

  async getReservation(input: { reservationId: string }): Promise<ReservationView | null> {
    const { reservationId } = parseInput(GetReservationInput, input);
    const r = this.store.reservationWithLines(reservationId);
    if (!r) return null;
    const result = r.result ? (JSON.parse(r.result) as CommitResult) : null;
    const charged = new Map(result?.ok ? result.lines.map((l) => [l.key, l.charged]) : []);
    return {
      reservationId: r.id,
      status: r.status,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      finalizedAt: r.finalized_at,
      lines: r.held.map((l) => ({
        key: l.scope_key,
        label: l.label,
        window: l.window,
        unit: l.unit,
        kind: l.kind,
        instance: l.instance,
        windowStart: l.window_start,
        windowEnd: l.window_end,
        amount: l.amount,
        charged: charged.get(l.scope_key) ?? null,
      })),
    };
  }

  /** Push the outbox to D1 now. Throws the D1 error if a batch fails (rows stay queued). */
  async flush(): Promise<number> {
    try {
      return await this.flushSerial();
    } finally {
      await this.armAfterFlush();
    }
  }

  /** Expire holds due at `now`, prune old idempotency keys, flush the outbox, re-arm. */
  async sweep(input: { now: number }): Promise<SweepResult> {
    const { now } = parseInput(SweepInput, input);
    const expired = await this.decide(() => {
      const n = expireDue(this.store, now);
      this.store.sql.exec("DELETE FROM idempotency WHERE created_at < ?", now - IDEMPOTENCY_RETENTION_MS);
      // Settled bindings only answer "used"/"expired" to late replays; after this, "unknown" (still refused).
      this.store.sql.exec(
        `DELETE FROM offer_bindings WHERE created_at < ? AND EXISTS
           (SELECT 1 FROM reservations r WHERE r.id = reservation_id AND r.status != 'active')`,
        now - IDEMPOTENCY_RETENTION_MS,
      );
      return n;
    }, false);
    if (this.route) {
      try {
        await giveBackExpired(this.shardDeps(), this.route, now);
      } catch (err) {
        console.warn("ledger lease give-back failed; will retry", err);
      }
    }
    let flushed = 0;
    try {
      flushed = await this.flushSerial();
    } catch (err) {
      console.warn("ledger outbox flush failed; will retry", err);
    }
    const outboxPending = await this.armAfterFlush();
    return { expired, flushed, outboxPending };
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    await this.sweep({ now: Date.now() });
  }

  /** Recompute counters from the journal and reservations and compare (tests call this). */
  async verify(): Promise<VerifyResult> {
    return verifyLedger(this.store);
  }

  private async flushSerial(): Promise<number> {
    while (this.flushing) await this.flushing.catch(() => 0);
    const run = this.flushAll();
    this.flushing = run;
    try {
      return await run;
    } finally {
      if (this.flushing === run) this.flushing = null;
    }
  }

  /** The tx outbox, then the receipts (signed off the hot path, in chain order). */
  private async flushAll(): Promise<number> {
    const txs = await flushOutbox(this.store, this.env.DB);
    const receipts = await flushReceipts(this.store, this.env);
    this.canSign = receipts !== null;
    return txs;
  }

  /** Run one decision atomically (own nested transactionSync, shared commit); `dirty`: re-arm after. */
  private decide<T>(fn: () => T, dirty = true): Promise<T> {
    return this.group.run(() => {
      const answer = fn();
      if (dirty) this.dirty = true;
      return answer;
    });
  }

  /** Alarm at the earliest live expiry, or sooner when outbox rows wait. */
  private async arm(outboxPending: boolean, delay = OUTBOX_DELAY_MS): Promise<void> {
    // Already due within the outbox delay: that alarm re-arms for later expiries when it runs.
    if (outboxPending && this.alarmAt !== null && this.alarmAt <= Date.now() + delay) return;
    let target = this.store.earliestExpiry();
    // A shard gives the unused room of a lease back when it expires.
    const lease = this.route ? earliestLeaseExpiry(this.store) : null;
    if (lease !== null) target = target === null ? lease : Math.min(target, lease);
    if (outboxPending) {
      const soon = Date.now() + delay;
      target = target === null ? soon : Math.min(target, soon);
    }
    if (target === null || (this.alarmAt !== null && this.alarmAt <= target)) return;
    this.alarmAt = target;
    await this.ctx.storage.setAlarm(target);
  }

  /** Re-arm after a flush attempt: failed rows back off exponentially (1 s .. 60 s), never dropped. */
  private async armAfterFlush(): Promise<number> {
    const row = this.store.sql
      .exec<{ n: number; a: number | null }>(
        "SELECT COUNT(*) AS n, MAX(flush_attempts) AS a FROM txs WHERE rev > flushed_rev AND audit = 1",
      )
      .one();
    const delay = Math.min(MAX_RETRY_DELAY_MS, OUTBOX_DELAY_MS * 2 ** Math.min(row.a ?? 0, 6));
    const receipts = this.canSign ? unsignedCount(this.store) : 0;
    await this.arm(row.n > 0 || receipts > 0, delay);
    return row.n;
  }
}
