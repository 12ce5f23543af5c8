// The invariants the simulation checks (peers-reliability.md §C.4), each returning what it found
// wrong as text. Ground truth for money is the demo upstream's witness: what it settled.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { witness } from "../helpers/witness";
import { localDate } from "./clock";
import { ledgerOf, type SimOrg, type World } from "./world";

export type TxRow = {
  id: string;
  status: string;
  kind: string;
  tool: string;
  agent_id: string;
  session_id: string | null;
  amount: string | null;
  committed_amount: string | null;
  currency: string | null;
  unconfirmed: number;
  challenge_id: string | null;
  reason_code: string | null;
  created_at: number;
};

export async function txRows(org: SimOrg): Promise<TxRow[]> {
  return (
    await env.DB.prepare("SELECT * FROM transactions WHERE org_id = ? ORDER BY created_at, id")
      .bind(org.orgId)
      .all<TxRow>()
  ).results;
}

/** (4) The journal verifies: counters equal the journal's sums and the live reservations. */
export async function journalVerifies(org: SimOrg): Promise<string[]> {
  const v = await ledgerOf(org).verify();
  return v.ok ? [] : v.problems.map((p) => `(4) ${org.name}: ${p}`);
}

type Bucket = { k: string; committed: string; reserved: string };
type LineLimit = {
  scope_key: string;
  instance: string;
  limit_at_reserve: string;
  overage: string;
  soft?: boolean;
};

/** (2) No scope over its limit: committed + reserved <= limit for every bucket whose overage is reject. */
export async function scopesWithinLimits(org: SimOrg): Promise<string[]> {
  const { buckets, lines } = await runInDurableObject(ledgerOf(org), (_i, state) => ({
    buckets: state.storage.sql
      .exec<Bucket>("SELECT scope_key || '|' || instance AS k, committed, reserved FROM buckets")
      .toArray(),
    lines: state.storage.sql
      .exec<{ lines: string }>("SELECT lines FROM reservations")
      .toArray()
      .flatMap((r) => JSON.parse(r.lines) as LineLimit[]),
  }));
  const limits = new Map<string, { limit: bigint; reject: boolean }>();
  for (const l of lines) {
    const k = `${l.scope_key}|${l.instance}`;
    const limit = BigInt(l.limit_at_reserve);
    const prev = limits.get(k);
    limits.set(k, { limit: prev && prev.limit < limit ? prev.limit : limit, reject: l.overage === "reject" });
  }
  const out: string[] = [];
  for (const b of buckets) {
    const lim = limits.get(b.k);
    if (!lim?.reject) continue;
    const used = BigInt(b.committed) + BigInt(b.reserved);
    if (used > lim.limit)
      out.push(
        `(2) ${org.name}: ${b.k} committed ${b.committed} + reserved ${b.reserved} > limit ${lim.limit}`,
      );
  }
  return out;
}

/** (3) After the final sweep, no reservation is active past its expiry. */
export async function noLiveExpired(org: SimOrg, now: number): Promise<string[]> {
  const rows = await runInDurableObject(ledgerOf(org), (_i, state) =>
    state.storage.sql
      .exec<{ id: string; expires_at: number }>(
        "SELECT id, expires_at FROM reservations WHERE status = 'active' AND expires_at <= ?",
        now,
      )
      .toArray(),
  );
  return rows.map((r) => `(3) ${org.name}: reservation ${r.id} still active, expired at ${r.expires_at}`);
}

export type MoneyTally = { settled: number; committed: number; confirmed: number; unconfirmed: number };

/**
 * (1) Every payment the upstream settled is a committed transaction exactly once, for the amount
 * settled; and a commit confirmed by a receipt has a settlement behind it. MPP matches by challenge
 * id (the tx's challenge_id is the budgeted offer's id); x402 settlements carry no id, so they are
 * counted per tool.
 */
export async function settlementsCommitted(org: SimOrg, rows: TxRow[], tally: MoneyTally): Promise<string[]> {
  const w = await witness(org.host);
  const out: string[] = [];
  const committed = rows.filter((r) => r.status === "committed" && r.kind === "payment");
  tally.settled += w.settlements.length;
  tally.committed += committed.length;
  tally.confirmed += committed.filter((r) => !r.unconfirmed).length;
  tally.unconfirmed += committed.filter((r) => r.unconfirmed).length;
  const ids = new Set<string>();
  for (const s of w.settlements.filter((s) => s.protocol === "mpp")) {
    if (s.challengeId === null) {
      out.push(`(1) ${org.name}: an MPP settlement without a challenge id`);
      continue;
    }
    if (ids.has(s.challengeId))
      out.push(`(1) ${org.name}: challenge ${s.challengeId} settled twice upstream`);
    ids.add(s.challengeId);
    const match = committed.filter((r) => r.challenge_id === s.challengeId);
    if (match.length !== 1) {
      const any = rows.filter((r) => r.challenge_id === s.challengeId).map((r) => `${r.id}:${r.status}`);
      out.push(
        `(1) ${org.name}: settled challenge ${s.challengeId} (${s.amount}) has ${match.length} committed rows [${any.join(", ")}]`,
      );
    } else if ((match[0]!.committed_amount ?? match[0]!.amount) !== s.amount) {
      out.push(
        `(1) ${org.name}: challenge ${s.challengeId} settled ${s.amount} but committed ${match[0]!.committed_amount}`,
      );
    }
  }
  const x402Settled = w.settlements.filter((s) => s.protocol === "x402").length;
  const x402Rows = committed.filter((r) => r.challenge_id === null && r.currency === "USDC");
  if (x402Settled > x402Rows.length)
    out.push(`(1) ${org.name}: ${x402Settled} x402 settlements but ${x402Rows.length} committed rows`);
  if (x402Rows.filter((r) => !r.unconfirmed).length > x402Settled)
    out.push(`(1) ${org.name}: more receipt-confirmed x402 commits than x402 settlements (${x402Settled})`);
  for (const r of committed.filter(
    (r) => !r.unconfirmed && r.challenge_id !== null && r.currency !== "USDC",
  )) {
    if (!ids.has(r.challenge_id!))
      out.push(
        `(1) ${org.name}: tx ${r.id} committed with a receipt for challenge ${r.challenge_id}, never settled`,
      );
  }
  return out;
}

type Limit = { label: string; rows: (r: TxRow) => boolean; key: (r: TxRow) => string; limit: bigint };

const M = 1_000_000n;
const day = (tz: string) => (r: TxRow) => localDate(r.created_at, tz);
const hour = (r: TxRow) => String(Math.floor(r.created_at / 3_600_000));
const all = () => true;

/**
 * An independent model of the policies' windows: the committed amounts per calendar day (in the
 * policy's own time zone, computed here with Intl), hour, session and call, against each limit.
 */
function modelLimits(world: World): Map<SimOrg, Limit[]> {
  const ny = "America/New_York";
  const { shop, desk, weather, stall } = world;
  const echo = (r: TxRow) => r.tool === "paid_echo";
  const perCall = (r: TxRow) => r.id;
  return new Map<SimOrg, Limit[]>([
    [
      shop,
      [
        { label: "echo per_call", rows: echo, key: perCall, limit: 5n * M },
        { label: "echo daily", rows: echo, key: day("UTC"), limit: 12n * M },
        { label: "shop global daily", rows: all, key: day("UTC"), limit: 25n * M },
        {
          label: "alpha mandate daily",
          rows: (r) => r.agent_id === shop.agentIds.alpha,
          key: day("UTC"),
          limit: 20n * M,
        },
        {
          label: "alpha per tx",
          rows: (r) => r.agent_id === shop.agentIds.alpha,
          key: perCall,
          limit: 6n * M,
        },
      ],
    ],
    [
      desk,
      [
        { label: "desk echo per_call", rows: echo, key: perCall, limit: 4n * M },
        { label: "desk echo NY daily", rows: echo, key: day(ny), limit: 9n * M },
        { label: "desk echo session", rows: echo, key: (r) => r.session_id ?? "_nosession", limit: 5n * M },
        {
          label: "slow session",
          rows: (r) => r.tool === "slow_paid",
          key: (r) => r.session_id ?? "_nosession",
          limit: 300_000n,
        },
        { label: "desk hourly", rows: all, key: hour, limit: 6n * M },
        { label: "desk mandate NY daily", rows: all, key: day(ny), limit: 15n * M },
      ],
    ],
    [weather, [{ label: "weather daily", rows: all, key: day("UTC"), limit: 40_000n }]],
    [
      stall,
      [
        { label: "stall per_call", rows: all, key: perCall, limit: M },
        { label: "stall daily", rows: all, key: day("UTC"), limit: 3n * M },
      ],
    ],
  ]);
}

export function modelWithinLimits(world: World, rowsOf: Map<SimOrg, TxRow[]>): string[] {
  const out: string[] = [];
  for (const [org, limits] of modelLimits(world)) {
    const committed = (rowsOf.get(org) ?? []).filter((r) => r.status === "committed" && r.kind === "payment");
    for (const l of limits) {
      const sums = new Map<string, bigint>();
      for (const r of committed.filter(l.rows)) {
        const k = l.key(r);
        sums.set(k, (sums.get(k) ?? 0n) + BigInt(r.committed_amount ?? r.amount ?? "0"));
      }
      for (const [k, sum] of sums)
        if (sum > l.limit) out.push(`(2m) ${org.name}: ${l.label} [${k}] committed ${sum} > ${l.limit}`);
    }
  }
  return out;
}
