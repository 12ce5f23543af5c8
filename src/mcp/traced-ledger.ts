// The org's ledger as the gateway's call path reaches it: the plain client, or (when this request's
// spans are exported) the same client with a CLIENT span per call: op, outcome, transaction id.
import { type Ledger, ledger } from "../ledger/client";
import { ledgerRoute } from "../services/tenant";
import { childSpan, type RequestTrace } from "../trace/request-trace";
import type { GatewayCtx } from "./context";
import { ledgerSpan } from "./trace-spans";

/** The ops whose spans the trace shows (balances and reads are not decisions). */
const TRACED = ["reserve", "claim", "commit", "release", "record", "attachOffers", "extend"] as const;

export function gatewayLedger(g: GatewayCtx): Ledger {
  const book = ledger(g.env, g.tenant.orgId, ledgerRoute(g.tenant));
  const t = g.trace;
  return t?.spans ? traced(book, t) : book;
}

function traced(book: Ledger, t: RequestTrace): Ledger {
  const out: Ledger = { ...book };
  for (const op of TRACED) {
    const call = book[op] as (input: unknown) => Promise<unknown>;
    const wrapped = async (input: unknown) => {
      const startMs = Date.now();
      const r = await call(input);
      const facts = { op, txId: txIdOf(input, r), outcome: outcomeOf(r) };
      t.spans?.push(ledgerSpan(childSpan(t), facts, startMs, Date.now()));
      return r;
    };
    Object.assign(out, { [op]: wrapped });
  }
  return out;
}

type Fields = Record<string, unknown>;
const fields = (v: unknown): Fields => (v !== null && typeof v === "object" ? (v as Fields) : {});
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

/** The transaction a call is about: a reservation's id is its transaction's (a claim answers it). */
function txIdOf(input: unknown, result: unknown): string | null {
  const i = fields(input);
  const value = fields(fields(result).value);
  return (
    str(i.idempotencyKey) ?? str(i.reservationId) ?? str(fields(i.tx).id) ?? str(value.reservationId) ?? null
  );
}

function outcomeOf(result: unknown): string {
  const r = fields(result);
  if (r.ok !== true) return "unavailable";
  const value = fields(r.value);
  if (value.ok === false) return str(value.reason) ?? "refused";
  return "ok";
}
