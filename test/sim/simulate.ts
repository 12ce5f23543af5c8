// The whole-gateway simulation (VOPR-style): one seed drives agents, attacks and faults through the
// real gateway Worker against the demo upstream; invariants are checked after every step and at the
// end; a failure prints the seed and step that reproduce it.
import { ACTIONS, type ActionName, type Ctx, restoreD1, WEIGHTS } from "./actions";
import { DST_ZONE, localDate, SimClock } from "./clock";
import { Sessions } from "./gateway";
import {
  journalVerifies,
  type MoneyTally,
  modelWithinLimits,
  noLiveExpired,
  scopesWithinLimits,
  settlementsCommitted,
  type TxRow,
  txRows,
} from "./invariants";
import { rng } from "./prng";
import { buildWorld, ledgerOf, type SimOrg } from "./world";

export type SimOptions = { seed: number; steps: number; maxTimeouts: number };

export type SimSummary = {
  seed: number;
  steps: number;
  actions: Record<string, number>;
  outcomes: Record<string, number>;
  tx: Record<string, number>;
  money: MoneyTally;
  clock: { start: string; end: string; crossedMidnight: boolean; crossedDst: boolean };
  notes: string[];
  invariants: Record<string, "ok" | string>;
  violations: string[];
};

export class SimFailure extends Error {}

function stepAdvance(ctx: Ctx): number {
  const r = ctx.rng;
  const kind = r.weighted({ back: 0.3, small: 6, medium: 3, large: 1 });
  if (kind === "back") return -r.int(1, 90) * 1000;
  if (kind === "small") return r.int(1, 60) * 1000;
  if (kind === "medium") return r.int(1, 10) * 60_000;
  return r.int(10, 40) * 60_000;
}

async function perStep(orgs: SimOrg[]): Promise<string[]> {
  const found: string[] = [];
  for (const org of orgs) {
    found.push(...(await journalVerifies(org)), ...(await scopesWithinLimits(org)));
  }
  return found;
}

export async function simulate(opts: SimOptions): Promise<SimSummary> {
  const r = rng(opts.seed);
  console.log(`SIM START seed=${opts.seed} steps=${opts.steps}`);
  const world = await buildWorld();
  const orgs = Object.values(world);
  const clock = new SimClock(r);
  const notes: string[] = [];
  const actions = new Map<string, number>();
  const ctx: Ctx = {
    rng: r,
    world,
    clock,
    sessions: new Sessions(),
    pool: [],
    outcomes: new Map(),
    violations: [],
    timeoutsLeft: opts.maxTimeouts,
    d1DownSteps: 0,
    note: () => undefined,
  };
  let step = 0;
  const fail = (what: string[]) => {
    const msg = `SIM FAILED seed=${opts.seed} step=${step} ${what.join(" | ")}`;
    console.log(msg);
    console.log(`  reproduce: npm run sim -- --seed ${opts.seed} --steps ${step}`);
    return new SimFailure(msg);
  };
  try {
    for (step = 1; step <= opts.steps; step++) {
      const moved = clock.advance(stepAdvance(ctx));
      if (moved < 0) notes.push(`step ${step}: clock stepped back ${-moved / 1000} s`);
      const name: ActionName = r.weighted(WEIGHTS);
      actions.set(name, (actions.get(name) ?? 0) + 1);
      ctx.note = (what) => notes.push(`step ${step}: ${what}`);
      try {
        await ACTIONS[name](ctx);
      } catch (e) {
        throw fail([`action=${name} threw`, e instanceof Error ? (e.stack ?? e.message) : String(e)]);
      }
      if (ctx.d1DownSteps > 0) {
        ctx.d1DownSteps -= 1;
        if (ctx.d1DownSteps === 0) {
          await restoreD1();
          notes.push(`step ${step}: D1 back`);
        }
      }
      const found = [...ctx.violations.splice(0), ...(await perStep(orgs))];
      if (found.length > 0) throw fail([`action=${name}`, ...found]);
    }
    step = opts.steps;
    await restoreD1();
    await ctx.sessions.closeAll();
    return await finish(opts, world, orgs, clock, ctx, actions, notes, fail);
  } finally {
    await restoreD1();
    await ctx.sessions.closeAll();
    clock.stop();
  }
}

async function finish(
  opts: SimOptions,
  world: Awaited<ReturnType<typeof buildWorld>>,
  orgs: SimOrg[],
  clock: SimClock,
  ctx: Ctx,
  actions: Map<string, number>,
  notes: string[],
  fail: (what: string[]) => SimFailure,
): Promise<SimSummary> {
  // Past every hold's expiry (TTLs are capped at 24 h): everything settles, then the outbox drains.
  const sweepAt = clock.now() + 3 * 86_400_000;
  const invariants: Record<string, string[]> = {
    "(1) settled == committed once": [],
    "(2) scopes within limits (ledger)": [],
    "(2m) scopes within limits (model)": [],
    "(3) no live reservation past expiry": [],
    "(4) journal verifies": [],
    "(5/6) attacks refused before the upstream": [],
  };
  const money: MoneyTally = { settled: 0, committed: 0, confirmed: 0, unconfirmed: 0 };
  const rowsOf = new Map<SimOrg, TxRow[]>();
  const tx: Record<string, number> = {};
  for (const org of orgs) {
    const stub = ledgerOf(org);
    await stub.sweep({ now: sweepAt });
    await stub.flush();
    invariants["(3) no live reservation past expiry"]!.push(...(await noLiveExpired(org, sweepAt)));
    invariants["(4) journal verifies"]!.push(...(await journalVerifies(org)));
    invariants["(2) scopes within limits (ledger)"]!.push(...(await scopesWithinLimits(org)));
    const rows = await txRows(org);
    rowsOf.set(org, rows);
    for (const row of rows) {
      const k = `${row.status}${row.unconfirmed ? "(unconfirmed)" : ""}`;
      tx[k] = (tx[k] ?? 0) + 1;
    }
    invariants["(1) settled == committed once"]!.push(...(await settlementsCommitted(org, rows, money)));
  }
  invariants["(2m) scopes within limits (model)"]!.push(...modelWithinLimits(world, rowsOf));
  const start = clock.start;
  const end = clock.now();
  const summary: SimSummary = {
    seed: opts.seed,
    steps: opts.steps,
    actions: Object.fromEntries([...actions].sort()),
    outcomes: Object.fromEntries([...ctx.outcomes].sort()),
    tx,
    money,
    clock: {
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      crossedMidnight: localDate(start, DST_ZONE) !== localDate(end, DST_ZONE),
      crossedDst: start < clock.transition && end >= clock.transition,
    },
    notes,
    invariants: Object.fromEntries(
      Object.entries(invariants).map(([k, v]) => [k, v.length === 0 ? "ok" : v.join(" | ")]),
    ),
    violations: Object.values(invariants).flat(),
  };
  printSummary(summary);
  if (summary.violations.length > 0) throw fail(["after the run", ...summary.violations]);
  return summary;
}

export function printSummary(s: SimSummary): void {
  const lines = [
    `SIM SUMMARY seed=${s.seed} steps=${s.steps}`,
    `  clock ${s.clock.start} -> ${s.clock.end} (crossed NY midnight: ${s.clock.crossedMidnight}, DST change: ${s.clock.crossedDst})`,
    `  money: settled upstream ${s.money.settled}, committed ${s.money.committed} (${s.money.confirmed} with receipt, ${s.money.unconfirmed} unconfirmed)`,
    `  tx rows: ${Object.entries(s.tx)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
    "  actions:",
    ...Object.entries(s.actions).map(([k, v]) => `    ${k.padEnd(28)} ${v}`),
    "  outcomes:",
    ...Object.entries(s.outcomes).map(([k, v]) => `    ${k.padEnd(60)} ${v}`),
    "  faults:",
    ...s.notes.map((n) => `    ${n}`),
    "  invariants:",
    ...Object.entries(s.invariants).map(([k, v]) => `    ${k.padEnd(44)} ${v}`),
  ];
  console.log(lines.join("\n"));
}
