// The typed way the rest of Tollgate reaches an org's ledger, and the fail-closed wrapper: any
// thrown RPC failure becomes `ledger_unavailable`, which callers must treat as a denial.
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

/** The one way the application reaches an org's ledger: every operation through callLedger, so a thrown RPC is data. */
export function ledger(env: Env, orgId: string) {
  const stub = ledgerFor(env, orgId);
  return {
    reserve: (input: In<"reserve">) => callLedger(() => stub.reserve(input)),
    commit: (input: In<"commit">) => callLedger(() => stub.commit(input)),
    release: (input: In<"release">) => callLedger(() => stub.release(input)),
    extend: (input: In<"extend">) => callLedger(() => stub.extend(input)),
    claim: (input: In<"claim">) => callLedger(() => stub.claim(input)),
    attachOffers: (input: In<"attachOffers">) => callLedger(() => stub.attachOffers(input)),
    record: (input: In<"record">) => callLedger(() => stub.record(input)),
    updateTx: (input: In<"updateTx">) => callLedger(() => stub.updateTx(input)),
    balances: (input: In<"balances">) => callLedger(() => stub.balances(input)),
    getReservation: (input: In<"getReservation">) => callLedger(() => stub.getReservation(input)),
  };
}
export type Ledger = ReturnType<typeof ledger>;
