// Daily committed spend per agent and currency over the last N days, bucketed by local day in the
// operator's time zone. D1 sums the committed transactions (services/transactions committedPerDay).

import { windowBounds } from "../ledger/windows";
import { committedPerDay } from "../services/transactions";

export type SpendSeries = { agentId: string; currency: string; decimals: number; perDay: bigint[] };

/** Start instants of the last `days` local days, oldest first (today last). */
export function dayStarts(tz: string, now: number, days: number): number[] {
  const out: number[] = [];
  let start = windowBounds("day", tz, now)?.start ?? now;
  for (let i = 0; i < days; i++) {
    out.unshift(start);
    start = windowBounds("day", tz, start - 1)?.start ?? start - 86_400_000;
  }
  return out;
}

/** The series of the agents shown (at most 50), summed by D1: no transaction row is read into memory. */
export async function dailySpend(
  env: Env,
  orgId: string,
  agentIds: string[],
  tz: string,
  now: number,
  days: number,
): Promise<{ starts: number[]; series: SpendSeries[] }> {
  const starts = dayStarts(tz, now, days);
  const series = new Map<string, SpendSeries>();
  for (const r of await committedPerDay(env, orgId, agentIds, starts)) {
    const k = `${r.agentId}|${r.currency}|${r.decimals}`;
    let s = series.get(k);
    if (!s) {
      s = { agentId: r.agentId, currency: r.currency, decimals: r.decimals, perDay: starts.map(() => 0n) };
      series.set(k, s);
    }
    s.perDay[r.day] = (s.perDay[r.day] ?? 0n) + r.amount;
  }
  return { starts, series: [...series.values()] };
}
