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

const METHODS = [
  "reserve",
  "commit",
  "release",
  "extend",
  "claim",
  "attachOffers",
  "record",
  "updateTx",
  "balances",
  "getReservation",
] as const satisfies readonly (keyof TenantLedger)[];
type Method = (typeof METHODS)[number];

/** Every ledger operation, each wrapped by callLedger: a thrown RPC is data, so callers fail closed. */
export type Ledger = {
  [K in Method]: (
    input: Parameters<TenantLedger[K]>[0],
  ) => Promise<LedgerCall<Awaited<ReturnType<TenantLedger[K]>>>>;
};

/** The one way the application reaches an org's ledger. */
export function ledger(env: Env, orgId: string): Ledger {
  const stub = ledgerFor(env, orgId) as unknown as Record<Method, (input: unknown) => Promise<unknown>>;
  return Object.fromEntries(
    METHODS.map((m) => [m, (input: unknown) => callLedger(() => stub[m](input))]),
  ) as unknown as Ledger;
}
