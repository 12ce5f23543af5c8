// The load test's three invariants, each read from more than one side so that one side's bug cannot
// hide itself: overspend (ledger balances, D1 transactions and the upstream's settlements against the
// configured limits), lost (settlements the upstream witnessed without a committed transaction) and
// leaked (holds still active in a ledger's own storage after their expiry).
import { admin } from "./servers.mjs";

const ORG_LINE = "p:_global:org daily:spend:daily:";
const agentLine = (agentId) => `a:${agentId}:budget:daily:`;
const TX_STATUSES = ["committed", "reserved", "released", "expired"];

/** Every transaction of an org with one of TX_STATUSES, through the admin API's cursor. */
async function transactions(gateway, org) {
  const out = [];
  for (const status of TX_STATUSES) {
    let cursor = null;
    do {
      const q = `status=${status}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const page = await admin(gateway, "GET", `/orgs/${org.orgId}/transactions?${q}`, org.adminKey);
      out.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
  }
  return out;
}

const sum = (xs) => xs.reduce((a, b) => a + b, 0n);
const over = (amount, limit) => (amount > limit ? amount - limit : 0n);

/** One org's configured limits, each with what the ledger, D1 and the upstream say was spent. */
async function orgLimits(gateway, org, txs, settledBy, ledgerSeen) {
  const committed = txs.filter((t) => t.orgId === org.orgId && t.status === "committed");
  const d1By = (agentId) =>
    sum(
      committed.filter((t) => !agentId || t.agentId === agentId).map((t) => BigInt(t.committed?.amount ?? 0)),
    );
  const lines = [];
  let orgLedger = null;
  for (const agent of org.agents) {
    const q = `/orgs/${org.orgId}/budgets?agentId=${agent.id}`;
    const { balances } = await admin(gateway, "GET", q, org.adminKey);
    for (const b of balances) ledgerSeen.set(`${org.orgId} ${b.key}`, b);
    const own = balances.find((b) => b.key.startsWith(agentLine(agent.id)));
    orgLedger ??= balances.find((b) => b.key.startsWith(ORG_LINE)) ?? null;
    lines.push({
      what: `${org.name}/${agent.name} daily`,
      limit: agent.limit,
      ledger: own ? BigInt(own.committed) : null,
      d1: d1By(agent.id),
      settled: settledBy.get(agent.id) ?? 0n,
    });
  }
  lines.push({
    what: `${org.name} org daily`,
    limit: org.limit,
    ledger: orgLedger ? BigInt(orgLedger.committed) : null,
    d1: d1By(null),
    settled: settledBy.get(org.orgId) ?? 0n,
  });
  return lines;
}

/**
 * Overspend per configured limit (org daily, each agent's daily): the largest excess that any of the
 * three views shows. Other ledger lines (rate counters) over their limit are listed too.
 */
async function overspend(gateway, orgs, txs, settledBy) {
  const ledgerSeen = new Map();
  const lines = [];
  for (const org of orgs) lines.push(...(await orgLimits(gateway, org, txs, settledBy, ledgerSeen)));
  let excess = 0n;
  const broken = [];
  for (const l of lines) {
    const e = over(
      [l.ledger ?? 0n, l.d1, l.settled].reduce((a, b) => (b > a ? b : a)),
      l.limit,
    );
    excess += e;
    if (e > 0n) broken.push(l);
  }
  for (const [key, b] of ledgerSeen) {
    if (b.kind === "money" && (key.includes(ORG_LINE) || key.includes(":budget:daily:"))) continue;
    const e = over(BigInt(b.committed), BigInt(b.limit));
    if (e > 0n)
      broken.push({ what: `ledger line ${key}`, limit: BigInt(b.limit), ledger: BigInt(b.committed) });
    if (b.kind === "money") excess += e;
  }
  const ledgerVsD1 = lines.filter((l) => l.ledger !== null && l.ledger !== l.d1);
  return { excess, lines, broken, ledgerVsD1 };
}

/** Settlements the upstream witnessed, matched to committed transactions by challenge id. */
function lost(settlements, txs, seen) {
  const committed = new Map();
  const other = new Map();
  for (const t of txs) {
    if (!t.challengeId) continue;
    (t.status === "committed" ? committed : other).set(t.challengeId, t);
  }
  const missing = [];
  let receiptMismatch = 0;
  let amountMismatch = 0;
  let unconfirmed = 0;
  for (const s of settlements) {
    const tx = committed.get(s.challengeId);
    if (!tx) {
      const facts = seen.get(s.challengeId);
      missing.push({
        challengeId: s.challengeId,
        amount: s.amount,
        reference: s.reference,
        client: facts?.outcome ?? "not ours",
        agentId: facts?.agent ?? null,
        tollgate: other.get(s.challengeId)
          ? `${other.get(s.challengeId).id} ${other.get(s.challengeId).status}`
          : "no transaction",
      });
      continue;
    }
    if (tx.unconfirmed) unconfirmed++;
    else if (tx.receiptRef !== s.reference) receiptMismatch++;
    if (tx.committed?.amount !== s.amount) amountMismatch++;
  }
  return { missing, receiptMismatch, amountMismatch, unconfirmed, ...coverage(settlements, committed, seen) };
}

/**
 * A call the client saw paid must be in the upstream's log, or the log is incomplete (a restarted
 * upstream loses it) and `missing` would undercount. `phantom`: committed payments never settled.
 */
function coverage(settlements, committed, seen) {
  const settledIds = new Set(settlements.map((s) => s.challengeId));
  const unwitnessed = [...seen].filter(([id, f]) => f.outcome === "paid" && !settledIds.has(id));
  const phantom = [...committed.values()].filter(
    (t) => t.kind === "payment" && !settledIds.has(t.challengeId),
  );
  return { unwitnessed: unwitnessed.map(([id]) => id), phantom };
}

/**
 * Holds active past their expiry, buckets whose reserved figure disagrees with the holds on them.
 * `ledgers` may be the Error that kept the ledgers' files from being read: then nothing is measured.
 */
function leaked(ledgers, txs) {
  if (ledgers instanceof Error) return { error: ledgers.message };
  const active = new Set(ledgers.flatMap((l) => l.activeIds));
  return {
    pastExpiry: ledgers.flatMap((l) => l.pastExpiry.map((r) => ({ org: l.org, ...r }))),
    stillHeld: ledgers.reduce((n, l) => n + l.active - l.pastExpiry.length, 0),
    reservedDrift: ledgers.flatMap((l) => l.reservedDrift.map((d) => ({ org: l.org, ...d }))),
    outboxPending: ledgers.reduce((n, l) => n + l.outboxPending, 0),
    objects: ledgers.length,
    // D1 rows still "reserved" whose hold the ledger no longer has: the outbox missed a change.
    staleD1: txs.filter((t) => t.status === "reserved" && !active.has(t.id)).map((t) => t.id),
  };
}

/** Runs every check. `orgs`: [{ orgId, adminKey, name, limit, agents: [{ id, name, limit }] }]. */
export async function checkInvariants({ gateway, upstream, orgs, seen, ledgers }) {
  const txs = [];
  for (const org of orgs) {
    for (const t of await transactions(gateway, org)) txs.push({ ...t, orgId: org.orgId });
  }
  const res = await fetch(`${upstream}/_witness`, { signal: AbortSignal.timeout(30_000) });
  const settlements = (await res.json()).settlements.filter((s) => s.protocol === "mpp");
  const settledBy = new Map();
  for (const s of settlements) {
    const facts = seen.get(s.challengeId);
    if (!facts) continue;
    for (const k of [facts.agent, facts.org]) settledBy.set(k, (settledBy.get(k) ?? 0n) + BigInt(s.amount));
  }
  return {
    settlements: settlements.length,
    committedTxs: txs.filter((t) => t.status === "committed").length,
    overspend: await overspend(gateway, orgs, txs, settledBy),
    lost: lost(settlements, txs, seen),
    leaked: leaked(ledgers, txs),
  };
}
