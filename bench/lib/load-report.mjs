// Prints the load test's figures (tables for people) and answers them as plain objects for the last
// line's JSON. Invariant figures that are not zero are printed loudly, with the ids to look at.
import { round } from "./rpc.mjs";

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const r of rows)
    console.log(
      `  ${r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  ")}`,
    );
}

const show = (v) => (v === null || v === undefined ? "-" : String(v));
const pathUsd = (units) => Number(units) / 1e6;

export function printLoad({ tally, secs, orgs, agents }) {
  const lat = tally.latency();
  const { free, paid } = tally.counts;
  const freeCalls = free.ok + free.refused + free.errors;
  const paidCalls = paid.ok + paid.refused + paid.errors + paid.abandoned + paid.disconnected;
  console.log("");
  console.log(
    `Load: ${orgs} orgs x ${agents} agents for ${round(secs, 1)} s: ${tally.calls} calls ` +
      `(${round(tally.calls / secs, 1)} calls/s, ${round(tally.requests / secs, 1)} requests/s)`,
  );
  table([
    ["kind", "calls", "ok", "refused", "errors", "left", "p50 ms", "p99 ms"],
    ["free", freeCalls, free.ok, free.refused, free.errors, "-", show(lat.free.p50), show(lat.free.p99)],
    [
      "paid pair",
      paidCalls,
      paid.ok,
      paid.refused,
      paid.errors,
      `${paid.abandoned}+${paid.disconnected}`,
      show(lat.paid.p50),
      show(lat.paid.p99),
    ],
    ["refusals", lat.refused.n, "-", "-", "-", "-", show(lat.refused.p50), show(lat.refused.p99)],
  ]);
  console.log(`  left = challenges never paid + paid retries hung up on mid-flight (both on purpose)`);
  console.log(`  refusal reasons: ${JSON.stringify(tally.reasons)}`);
  const errors = Object.entries(tally.errors).sort((a, b) => b[1] - a[1]);
  for (const [msg, n] of errors.slice(0, 5)) console.log(`  error x${n}: ${msg}`);
  return {
    orgs,
    agents,
    load_s: round(secs, 1),
    calls: tally.calls,
    calls_per_s: round(tally.calls / secs, 1),
    requests_per_s: round(tally.requests / secs, 1),
    free: { calls: freeCalls, ...free, p50_ms: lat.free.p50, p99_ms: lat.free.p99 },
    paid: { calls: paidCalls, ...paid, p50_ms: lat.paid.p50, p99_ms: lat.paid.p99 },
    refused_ms: { p50: lat.refused.p50, p99: lat.refused.p99 },
    refusals: tally.reasons,
    errors: Object.fromEntries(errors.slice(0, 5)),
  };
}

const loud = (n) => (n === 0 ? "" : "   <-- MUST BE 0");

function printOverspend(overspend) {
  const excess = pathUsd(overspend.excess);
  console.log(
    `  overspend ${excess} pathUSD${loud(excess)}: committed above a limit, over ` +
      `${overspend.lines.length} daily limits, each read three ways (ledger balances, D1 transactions, ` +
      "the upstream's settlements)",
  );
  for (const l of overspend.broken.slice(0, 10))
    console.log(
      `    ${l.what}: limit ${l.limit}, ledger ${show(l.ledger)}, D1 ${show(l.d1)}, settled ${show(l.settled)}`,
    );
  for (const l of overspend.ledgerVsD1.slice(0, 5))
    console.log(`    ledger vs D1 (!): ${l.what}: ledger ${l.ledger}, D1 ${l.d1}`);
  return excess;
}

function printLost(lost, settlements, committedTxs) {
  console.log(
    `  lost      ${lost.missing.length}${loud(lost.missing.length)}: of ${settlements} payments the upstream ` +
      `settled, those without a committed transaction (matched by challenge id; ${committedTxs} committed)`,
  );
  for (const m of lost.missing.slice(0, 10)) console.log(`    ${JSON.stringify(m)}`);
  if (lost.unwitnessed.length)
    console.log(
      `    !! the upstream's log lacks ${lost.unwitnessed.length} payments the client saw succeed ` +
        `(e.g. ${lost.unwitnessed.slice(0, 3).join(", ")}): lost is not measured`,
    );
  for (const t of lost.phantom.slice(0, 5))
    console.log(
      `    committed, never settled: ${t.id} challenge ${t.challengeId} unconfirmed ${t.unconfirmed}`,
    );
  return lost.unwitnessed.length ? null : lost.missing.length;
}

function printLeaked(leaked, wait) {
  if (leaked.error) {
    console.log(`  leaked    not measured: the ledgers' files could not be read (${leaked.error})`);
    return null;
  }
  const n = leaked.pastExpiry.length;
  console.log(
    `  leaked    ${n}${loud(n)}: holds still active past their expiry in the ${leaked.objects} ledgers' ` +
      `own SQLite, read ${wait.waited_s} s after the run` +
      (wait.capped ? ` (wait capped: ${leaked.stillHeld} holds not yet expired)` : ""),
  );
  for (const r of leaked.pastExpiry.slice(0, 10))
    console.log(`    ${r.id} (org ${r.org}) expired ${new Date(r.expiresAt).toISOString()}`);
  for (const d of leaked.reservedDrift.slice(0, 5))
    console.log(`    reserved drift (!): ${JSON.stringify(d)}`);
  for (const id of leaked.staleD1.slice(0, 5)) console.log(`    D1 still 'reserved' (!): ${id}`);
  return n;
}

export function printChecks({ checks, wait, crossedMidnight }) {
  const { overspend, lost, leaked } = checks;
  console.log("");
  console.log("Invariants (after the run; the hold wait was bounded):");
  if (crossedMidnight) console.log("  WARNING: the run crossed UTC midnight; daily windows reset mid-run.");
  const figures = {
    overspend: printOverspend(overspend),
    lost: printLost(lost, checks.settlements, checks.committedTxs),
    leaked: printLeaked(leaked, wait),
  };
  const side = {
    ledger_vs_d1_mismatch: overspend.ledgerVsD1.length,
    reserved_drift_buckets: leaked.reservedDrift?.length ?? null,
    stale_d1_reserved: leaked.staleD1?.length ?? null,
    outbox_pending: leaked.outboxPending ?? null,
    receipt_mismatch: lost.receiptMismatch,
    amount_mismatch: lost.amountMismatch,
    unwitnessed_paid: lost.unwitnessed.length,
  };
  const flag = ([k, v]) => `${k} ${show(v)}${v ? " (!)" : ""}`;
  console.log(`  also: ${Object.entries(side).map(flag).join(", ")}`);
  const info = {
    unconfirmed: lost.unconfirmed,
    committed_never_settled: lost.phantom.length,
    holds_not_yet_expired: leaked.stillHeld ?? null,
  };
  console.log(
    `  info: ${info.unconfirmed} settled payments committed unconfirmed (no receipt seen), ` +
      `${info.committed_never_settled} committed payments the upstream never settled, ` +
      `${show(info.holds_not_yet_expired)} holds not yet expired`,
  );
  return {
    ...figures,
    checks: {
      limits: overspend.lines.length,
      settlements: checks.settlements,
      committed_txs: checks.committedTxs,
      ...side,
      ...info,
      hold_wait_s: wait.waited_s,
      hold_wait_capped: wait.capped,
    },
  };
}

export function printRamp(r) {
  console.log("");
  console.log("Saturation ramp (one tenant, mixed calls, closed loop):");
  table([
    ["concurrency", "calls/s", "p99 ms", "p99 free", "p99 paid", "errors"],
    ...r.steps.map((s) => [
      s.concurrency,
      s.calls_s,
      show(s.p99),
      show(s.p99_free),
      show(s.p99_paid),
      s.errors,
    ]),
  ]);
  const sat = r.saturation;
  console.log(
    sat
      ? `  p99 doubles (>= 2 x ${r.baseline_p99_ms} ms at concurrency 1) at ${sat.calls_s} calls/s ` +
          `(concurrency ${sat.concurrency}, p99 ${sat.p99_ms} ms); best ${r.max_calls_s} calls/s`
      : `  p99 never doubled up to concurrency ${r.steps.at(-1)?.concurrency}; best ${r.max_calls_s} calls/s`,
  );
  return {
    calls_s: sat?.calls_s ?? null,
    concurrency: sat?.concurrency ?? null,
    p99_ms: sat?.p99_ms ?? null,
    baseline_p99_ms: r.baseline_p99_ms,
    max_calls_s: r.max_calls_s,
    steps: r.steps.map((s) => ({ c: s.concurrency, calls_s: s.calls_s, p99: s.p99 })),
  };
}

/** Heap figures of the Worker isolate; `inspector`/`idle`/`after` may be the Error that stopped them. */
export function printHeap(inspector, idle, after) {
  console.log("");
  if (inspector instanceof Error) {
    console.log(`Heap: not measured (${inspector.message})`);
    return { error: inspector.message };
  }
  console.log(
    `Heap of the Worker isolate (inspector targets: ${inspector.targets.join(", ")}). In wrangler dev`,
  );
  console.log("that isolate also runs every Durable Object: the tenant ledgers, webhooks, elicitations.");
  const out = { targets: inspector.targets };
  for (const [key, when, h] of [
    ["idle", "idle, after start-up", idle],
    ["after_load", "after the load run  ", after],
  ]) {
    if (h instanceof Error) {
      console.log(`  ${when}: not measured (${h.message})`);
      out[key] = { error: h.message };
      continue;
    }
    const gc =
      h.used_after_gc === undefined ? "" : `; after a full GC ${h.used_after_gc} of ${h.total_after_gc} MB`;
    console.log(`  ${when}: ${h.used} MB used of ${h.total} MB${gc}`);
    out[key] = h;
  }
  return out;
}
