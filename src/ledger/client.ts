// The typed way the rest of Tollgate reaches an org's ledger, and the fail-closed wrapper: any
// thrown RPC failure becomes `ledger_unavailable`, which callers must treat as a denial.
import { isShardLocal, parentObjectName, shardObjectName, shardOf } from "./lease/shards";
import type { Balance } from "./results";
import type { TenantLedger } from "./tenant-ledger";

export type LedgerStub = DurableObjectStub<TenantLedger>;

export function ledgerFor(env: Env, orgId: string): LedgerStub {
  return env.LEDGER.getByName(orgId);
}

/** A ledger call that threw (overloaded, network, reset, bad input): the call must not proceed. */
export class LedgerUnavailableError extends Error {
  readonly code = "ledger_unavailable" as const;
  readonly retryable: boolean;
  readonly overloaded: boolean;
  constructor(cause: unknown) {
    super(`ledger unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "LedgerUnavailableError";
    const flags = (cause ?? {}) as { retryable?: unknown; overloaded?: unknown };
    this.retryable = flags.retryable === true;
    this.overloaded = flags.overloaded === true;
  }
}

export type LedgerCall<T> =
  | { ok: true; value: T }
  | { ok: false; error: "ledger_unavailable"; cause: LedgerUnavailableError };

/**
 * Run one ledger RPC; a throw is turned into data so the caller can fail closed explicitly.
 * Generic over the function (not `() => Promise<T>`) because a stub method returning a union gives a
 * union of RPC promise types, which TypeScript cannot infer a single T from.
 */
export async function callLedger<F extends () => PromiseLike<unknown>>(
  fn: F,
): Promise<LedgerCall<Awaited<ReturnType<F>>>> {
  try {
    return { ok: true, value: (await fn()) as Awaited<ReturnType<F>> };
  } catch (err) {
    return { ok: false, error: "ledger_unavailable", cause: new LedgerUnavailableError(err) };
  }
}

type In<K extends keyof TenantLedger> = TenantLedger[K] extends (input: infer I) => unknown ? I : never;

/** How a sharded org's calls are routed: its shard count and the agent the call is made for. */
export type LedgerRoute = { shards: number; agentId: string | null };

/**
 * The one way the application reaches an org's ledger: every operation through callLedger, so a thrown RPC is data.
 * Without a route, or with one shard, this is the org's single object exactly as before.
 */
export function ledger(env: Env, orgId: string, route?: LedgerRoute) {
  if (route && route.shards > 1) return shardedLedger(env, orgId, route);
  return operations(ledgerFor(env, orgId));
}

type Overrides = {
  reserve?: (input: In<"reserve">) => ReturnType<TenantLedger["reserve"]>;
  balances?: (input: In<"balances">) => Promise<Balance[]>;
};

/** The operation table over one object; a sharded org overrides how reserve and balances reach it. */
function operations(stub: LedgerStub, over: Overrides = {}) {
  const reserve = over.reserve ?? ((input: In<"reserve">) => stub.reserve(input));
  const balances = over.balances ?? ((input: In<"balances">) => stub.balances(input));
  return {
    reserve: (input: In<"reserve">) => callLedger(() => reserve(input)),
    commit: (input: In<"commit">) => callLedger(() => stub.commit(input)),
    release: (input: In<"release">) => callLedger(() => stub.release(input)),
    extend: (input: In<"extend">) => callLedger(() => stub.extend(input)),
    claim: (input: In<"claim">) => callLedger(() => stub.claim(input)),
    attachOffers: (input: In<"attachOffers">) => callLedger(() => stub.attachOffers(input)),
    record: (input: In<"record">) => callLedger(() => stub.record(input)),
    updateTx: (input: In<"updateTx">) => callLedger(() => stub.updateTx(input)),
    balances: (input: In<"balances">) => callLedger(() => balances(input)),
    getReservation: (input: In<"getReservation">) => callLedger(() => stub.getReservation(input)),
  };
}
export type Ledger = ReturnType<typeof ledger>;

/** The agent's shard; calls made for no agent go to shard 0. */
function shardIndex(route: LedgerRoute): number {
  return route.agentId === null ? 0 : shardOf(route.agentId, route.shards);
}

/** The agent id of an agent key ("a:<escaped id>:..."), to find the shard that owns it. */
function agentOfKey(key: string): string | null {
  const m = /^a:([^:]*):/.exec(key);
  return m ? m[1]!.replace(/%3A/g, ":").replace(/%25/g, "%") : null;
}

/**
 * A sharded org (docs/ledger-sharding.md): every call of an agent goes to that agent's shard, whose
 * reserve decides shared lines within leases from the parent; balances read every shard and the
 * parent, so a shared line's balance is exact (committed + reserved across shards, + leased room).
 */
function shardedLedger(env: Env, orgId: string, route: LedgerRoute) {
  const n = route.shards;
  const index = shardIndex(route);
  const stub: LedgerStub = env.LEDGER.getByName(shardObjectName(orgId, index, n));
  const shardRoute = { index, of: n, parent: parentObjectName(orgId) };
  const balances = async (input: In<"balances">): Promise<Balance[]> => {
    const all = Array.from({ length: n }, (_, i) => env.LEDGER.getByName(shardObjectName(orgId, i, n)));
    const [parentHeld, ...perShard] = await Promise.all([
      env.LEDGER.getByName(parentObjectName(orgId)).leaseHeld(input),
      ...all.map((s) => s.balances(input)),
    ]);
    return input.lines.map((line, li) => {
      const agent = agentOfKey(line.key);
      const own = agent !== null && isShardLocal(line.key, agent);
      const rows = own ? [perShard[shardOf(agent, n)]![li]!] : perShard.map((b) => b[li]!);
      const first = rows[0]!;
      const committed = rows.reduce((a, b) => a + BigInt(b.committed), 0n);
      const reserved = rows.reduce((a, b) => a + BigInt(b.reserved), 0n);
      const used = committed + reserved;
      const held = own ? used : BigInt(parentHeld[li] ?? "0");
      const leased = held > used ? held - used : 0n;
      return {
        ...first,
        committed: committed.toString(),
        reserved: reserved.toString(),
        remaining: (BigInt(first.limit) - used - leased).toString(),
        ...(own ? {} : { leased: leased.toString() }),
      };
    });
  };
  return operations(stub, {
    reserve: (input) => stub.reserve({ ...input, shard: shardRoute }),
    balances,
  });
}
