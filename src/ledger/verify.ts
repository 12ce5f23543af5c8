// Consistency check over the object's own tables: counters must equal the journal's sums and the
// live reservations they claim to hold. Used by tests after every simulated step.
import type { CommitResult, VerifyResult } from "./results";
import type { JournalDelta, LedgerStore, LineRow } from "./store";

type Sums = { reserved: bigint; committed: bigint; debt: bigint };

function cell(m: Map<string, Sums>, k: string): Sums {
  let s = m.get(k);
  if (!s) {
    s = { reserved: 0n, committed: 0n, debt: 0n };
    m.set(k, s);
  }
  return s;
}

function fromJournal(store: LedgerStore): Map<string, Sums> {
  const sums = new Map<string, Sums>();
  for (const j of store.sql.exec<{ deltas: string }>("SELECT deltas FROM journal WHERE deltas IS NOT NULL")) {
    for (const [key, instance, r, c, d] of JSON.parse(j.deltas) as JournalDelta[]) {
      const s = cell(sums, `${key}|${instance}`);
      s.reserved += BigInt(r);
      s.committed += BigInt(c);
      s.debt += BigInt(d);
    }
  }
  return sums;
}

/** Live holds from active reservations; committed charges from each committed reservation's result. */
function fromReservations(store: LedgerStore): Map<string, Sums> {
  const sums = new Map<string, Sums>();
  for (const r of store.sql.exec<{ id: string; status: string; lines: string; result: string | null }>(
    "SELECT id, status, lines, result FROM reservations",
  )) {
    // A commit's result holds its charges; so does a release that kept an attempt's counts.
    const result = r.result !== null ? (JSON.parse(r.result) as CommitResult) : null;
    const charged = new Map(result?.ok ? result.lines.map((x) => [x.key, x.charged]) : []);
    for (const l of JSON.parse(r.lines) as LineRow[]) {
      const s = cell(sums, `${l.scope_key}|${l.instance}`);
      if (r.status === "active") s.reserved += BigInt(l.amount);
      if (r.status !== "active") s.committed += BigInt(charged.get(l.scope_key) ?? "0");
    }
  }
  return sums;
}

export function verifyLedger(store: LedgerStore): VerifyResult {
  const problems: string[] = [];
  const journal = fromJournal(store);
  const rows = fromReservations(store);
  const seen = new Set<string>();
  for (const b of store.sql.exec<{ k: string; committed: string; reserved: string; debt: string }>(
    "SELECT scope_key || '|' || instance AS k, committed, reserved, debt FROM buckets",
  )) {
    seen.add(b.k);
    const j = cell(journal, b.k);
    const r = cell(rows, b.k);
    const c = { reserved: BigInt(b.reserved), committed: BigInt(b.committed), debt: BigInt(b.debt) };
    if (c.reserved !== j.reserved || c.committed !== j.committed || c.debt !== j.debt) {
      problems.push(
        `${b.k}: counters ${c.committed}/${c.reserved}/${c.debt} != journal ${j.committed}/${j.reserved}/${j.debt}`,
      );
    }
    if (c.reserved !== r.reserved || c.committed !== r.committed) {
      problems.push(
        `${b.k}: counters ${c.committed}/${c.reserved} != reservations ${r.committed}/${r.reserved}`,
      );
    }
  }
  for (const k of [...journal.keys(), ...rows.keys()]) {
    if (!seen.has(k)) problems.push(`${k}: journal or reservation rows without a bucket`);
  }

  // Resolve once: each reservation has at most one terminal journal entry, matching its status.
  for (const t of store.sql.exec<{ ref: string; n: number; ops: string; status: string }>(
    `SELECT j.ref, COUNT(*) AS n, GROUP_CONCAT(j.op) AS ops, r.status FROM journal j
     JOIN reservations r ON r.id = j.ref
     WHERE j.op IN ('commit', 'release', 'expire') GROUP BY j.ref`,
  )) {
    const expected = { commit: "committed", release: "released", expire: "expired" }[t.ops];
    if (t.n !== 1 || expected !== t.status)
      problems.push(`reservation ${t.ref}: terminal ops ${t.ops} vs ${t.status}`);
  }
  // A claim spends every key of its reservation; a binding always points at a reservation.
  for (const b of store.sql.exec<{ id: string; r: string | null; claimed: number; n: number }>(
    `SELECT b.reservation_id AS id, r.id AS r, COUNT(b.claimed_at) AS claimed, COUNT(*) AS n
     FROM offer_bindings b LEFT JOIN reservations r ON r.id = b.reservation_id GROUP BY b.reservation_id`,
  )) {
    if (b.r === null) problems.push(`binding to missing reservation ${b.id}`);
    if (b.claimed !== 0 && b.claimed !== b.n)
      problems.push(`reservation ${b.id}: ${b.claimed}/${b.n} keys claimed`);
  }
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}
