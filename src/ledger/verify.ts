// Consistency check over the object's own tables: counters must equal the journal's sums and the
// live reservations they claim to hold. Used by tests after every simulated step.
import type { VerifyResult } from "./results";
import type { LedgerStore } from "./store";

type Sums = { reserved: bigint; committed: bigint; debt: bigint };

export function verifyLedger(store: LedgerStore): VerifyResult {
  const problems: string[] = [];
  const cell = (m: Map<string, Sums>, k: string) => {
    let s = m.get(k);
    if (!s) {
      s = { reserved: 0n, committed: 0n, debt: 0n };
      m.set(k, s);
    }
    return s;
  };

  const fromJournal = new Map<string, Sums>();
  for (const j of store.sql.exec<{ k: string; r: string; c: string; d: string }>(
    `SELECT scope_key || '|' || instance AS k, d_reserved AS r, d_committed AS c, d_debt AS d
     FROM journal WHERE scope_key IS NOT NULL`,
  )) {
    const s = cell(fromJournal, j.k);
    s.reserved += BigInt(j.r);
    s.committed += BigInt(j.c);
    s.debt += BigInt(j.d);
  }

  const fromRows = new Map<string, Sums>();
  for (const l of store.sql.exec<{ k: string; status: string; amount: string; charged: string | null }>(
    `SELECT l.scope_key || '|' || l.instance AS k, r.status, l.amount, l.charged
     FROM reservation_lines l JOIN reservations r ON r.id = l.reservation_id`,
  )) {
    const s = cell(fromRows, l.k);
    if (l.status === "active") s.reserved += BigInt(l.amount);
    if (l.status === "committed") s.committed += BigInt(l.charged ?? "x");
  }

  const buckets = store.sql
    .exec<{ k: string; committed: string; reserved: string; debt: string }>(
      "SELECT scope_key || '|' || instance AS k, committed, reserved, debt FROM buckets",
    )
    .toArray();
  const seen = new Set<string>();
  for (const b of buckets) {
    seen.add(b.k);
    const j = cell(fromJournal, b.k);
    const r = cell(fromRows, b.k);
    const c = { reserved: BigInt(b.reserved), committed: BigInt(b.committed), debt: BigInt(b.debt) };
    if (c.reserved !== j.reserved || c.committed !== j.committed || c.debt !== j.debt) {
      problems.push(
        `${b.k}: counters ${b.committed}/${b.reserved}/${b.debt} != journal ${j.committed}/${j.reserved}/${j.debt}`,
      );
    }
    if (c.reserved !== r.reserved || c.committed !== r.committed) {
      problems.push(
        `${b.k}: counters ${b.committed}/${b.reserved} != reservations ${r.committed}/${r.reserved}`,
      );
    }
  }
  for (const k of [...fromJournal.keys(), ...fromRows.keys()]) {
    if (!seen.has(k)) problems.push(`${k}: journal or reservation rows without a bucket`);
  }

  // Resolve once: each reservation has at most one terminal journal entry, matching its status.
  for (const t of store.sql.exec<{ ref: string; n: number; ops: string; status: string }>(
    `SELECT j.ref, COUNT(*) AS n, GROUP_CONCAT(j.op) AS ops, r.status FROM journal j
     JOIN reservations r ON r.id = j.ref
     WHERE j.scope_key IS NULL AND j.op IN ('commit', 'release', 'expire') GROUP BY j.ref`,
  )) {
    const expected = { commit: "committed", release: "released", expire: "expired" }[t.ops];
    if (t.n !== 1 || expected !== t.status)
      problems.push(`reservation ${t.ref}: terminal ops ${t.ops} vs ${t.status}`);
  }
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}
