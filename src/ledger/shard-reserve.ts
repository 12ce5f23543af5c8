// A reserve in one shard of a sharded org (docs/ledger-sharding.md). The agent's own lines are
// decided here as before; a shared line (org budget, "*" rule, tool budget across agents) is decided
// against this shard's lease of it: committed + reserved + amount <= what the parent granted, while
// the lease lasts. Short of room, the shard asks the parent between two decisions (never awaiting
// inside one) and decides again; a parent it cannot reach leaves it deciding within what it holds.
import type { z } from "zod";
import { LedgerInputError } from "./errors";
import { applyAnswer, nextRequest, shardRoom } from "./lease/protocol";
import { isShardLocal } from "./lease/shards";
import {
  answerFromWire,
  cellKey,
  expiredCells,
  type LeaseExchangeAnswer,
  type LeaseExchangeInput,
  loadShardCell,
  requestToWire,
  saveShardCell,
} from "./lease-store";
import { reserveOnce } from "./reserve";
import type { ReserveResult } from "./results";
import { expireDue } from "./settle";
import { instanceFor, type LedgerStore } from "./store";
import type { ReserveInput, ShardRoute } from "./types";

type Reserve = z.output<typeof ReserveInput>;
type Route = z.output<typeof ShardRoute>;

/** At most this many lease rounds per reserve (each granting something); then it decides with what it holds. */
const MAX_ASKS = 16;

export interface ShardDeps {
  store: LedgerStore;
  decide<T>(fn: () => T): Promise<T>;
  exchange(route: Route, req: LeaseExchangeInput): Promise<LeaseExchangeAnswer | null>;
  /** lease exchanges in flight, per cell (in memory; a restart simply forgets them) */
  inflight: Map<string, Promise<"granted" | "short" | "unreachable">>;
}

type Plan = {
  caps: (bigint | null)[];
  cells: (string | null)[];
  short: { cell: string; need: bigint; limit: bigint }[];
};

/** Caps of the shared lines (this shard's used + usable room) and the cells short of room. */
function plan(store: LedgerStore, input: Reserve): Plan {
  const out: Plan = { caps: [], cells: [], short: [] };
  for (const l of input.lines) {
    // Soft (shadow) lines are never refused, so they are counted locally and never leased.
    if (l.soft || isShardLocal(l.key, input.tx.agentId)) {
      out.caps.push(null);
      out.cells.push(null);
      continue;
    }
    if (l.overage !== "reject") {
      throw new LedgerInputError("lines", "a shared line of a sharded org must use overage 'reject'");
    }
    const inst = instanceFor(l, input.now);
    const b = store.bucket(l.key, inst.instance);
    const cell = cellKey(l.key, inst.instance);
    const c = loadShardCell(store, cell, b.committed + b.reserved);
    const room = shardRoom(c, input.now);
    const limit = BigInt(l.limit);
    out.caps.push(c.used + room < limit ? c.used + room : limit);
    out.cells.push(cell);
    const amount = BigInt(l.amount);
    if (room < amount) out.short.push({ cell, need: amount - room, limit });
  }
  return out;
}

export async function shardReserve(deps: ShardDeps, input: Reserve, hash: string): Promise<ReserveResult> {
  const route = input.shard!;
  const { store } = deps;
  let final = false;
  for (let asks = 0; ; asks++) {
    const step = await deps.decide(() => {
      expireDue(store, input.now);
      const p = plan(store, input);
      if (p.short.length === 0 || final || asks >= MAX_ASKS) {
        const answer = reserveOnce(store, input, hash, p.caps);
        if (answer.ok) notePeriodUse(store, input, p);
        return { answer };
      }
      return { short: p.short };
    });
    if (step.answer !== undefined) return step.answer;
    const outcomes = await Promise.all(
      (step.short ?? []).map((s) => exchangeOnce(deps, route, s, input.now)),
    );
    // The parent had nothing more (short) or could not be reached: decide within the leases held
    // (fail closed beyond them).
    if (outcomes.some((o) => o !== "granted")) final = true;
  }
}

type Outcome = "granted" | "short" | "unreachable";

/**
 * One lease exchange per cell at a time in this object: concurrent reserves short of the same cell
 * share the exchange in flight instead of each sending one (a newer message would void the answer
 * of an older one, protocol.ts, and a herd of them would never keep a grant).
 */
async function exchangeOnce(
  deps: ShardDeps,
  route: Route,
  s: { cell: string; need: bigint; limit: bigint },
  now: number,
): Promise<Outcome> {
  const running = deps.inflight.get(s.cell);
  if (running) return running;
  const run = (async (): Promise<Outcome> => {
    const req = await deps.decide(() => prepare(deps.store, route, s.cell, s.need, s.limit, now));
    let wire: LeaseExchangeAnswer | null;
    try {
      wire = await deps.exchange(route, req);
    } catch {
      return "unreachable";
    }
    if (!wire) return "short";
    await deps.decide(() => applyWire(deps.store, wire, now));
    return wire.short || wire.granted === "0" ? "short" : "granted";
  })();
  deps.inflight.set(s.cell, run);
  try {
    return await run;
  } finally {
    deps.inflight.delete(s.cell);
  }
}

function notePeriodUse(store: LedgerStore, input: Reserve, p: Plan): void {
  input.lines.forEach((l, i) => {
    const cell = p.cells[i];
    if (!cell) return;
    const inst = instanceFor(l, input.now);
    const b = store.bucket(l.key, inst.instance);
    const c = loadShardCell(store, cell, b.committed + b.reserved);
    c.periodUse += BigInt(l.amount);
    saveShardCell(store, cell, c);
  });
}

/** Bump the cell's sequence (durably, before the message leaves) and build the request. */
function prepare(
  store: LedgerStore,
  route: Route,
  cell: string,
  need: bigint,
  limit: bigint,
  now: number,
  giveBack = false,
): LeaseExchangeInput {
  const used = usedOf(store, cell);
  const c = loadShardCell(store, cell, used);
  const req = nextRequest(c, { cellKey: cell, shard: route.index, need, limit, now, giveBack });
  saveShardCell(store, cell, c);
  return requestToWire(req, route.of, route.parent, now);
}

function applyWire(store: LedgerStore, wire: unknown, _now: number): void {
  const ans = answerFromWire(wire);
  const c = loadShardCell(store, ans.cell, usedOf(store, ans.cell));
  if (applyAnswer(c, ans)) saveShardCell(store, ans.cell, c);
}

function usedOf(store: LedgerStore, cell: string): bigint {
  const [key, instance] = cell.split("\u0000") as [string, string];
  const b = store.bucket(key, instance);
  return b.committed + b.reserved;
}

/** The parent recalls room of `cell` (another shard was short): give this shard's unused room back. */
export async function giveBackCell(
  deps: ShardDeps,
  route: Route,
  cell: string,
  now: number,
): Promise<boolean> {
  const req = await deps.decide(() => {
    const used = usedOf(deps.store, cell);
    const c = loadShardCell(deps.store, cell, used);
    return c.held > used ? prepare(deps.store, route, cell, 0n, 0n, now, true) : null;
  });
  if (!req) return false;
  const wire = await deps.exchange(route, req);
  if (wire) await deps.decide(() => applyWire(deps.store, wire, now));
  return true;
}

/**
 * Give the unused room of expired leases back (the shard's alarm and sweep). Best effort. A give-back
 * asks for nothing, so the limit it states (0) only means "grant nothing".
 */
export async function giveBackExpired(deps: ShardDeps, route: Route, now: number): Promise<number> {
  const requests = await deps.decide(() =>
    expiredCells(deps.store, now)
      .filter(
        (cell) => loadShardCell(deps.store, cell, usedOf(deps.store, cell)).held > usedOf(deps.store, cell),
      )
      .map((cell) => prepare(deps.store, route, cell, 0n, 0n, now, true)),
  );
  if (requests.length === 0) return 0;
  const answers = await Promise.allSettled(requests.map((r) => deps.exchange(route, r)));
  await deps.decide(() => {
    for (const a of answers) if (a.status === "fulfilled" && a.value) applyWire(deps.store, a.value, now);
  });
  return requests.length;
}
