// Daily committed spend per agent and currency over the last N days, bucketed by local day in the
// operator's time zone. Reads committed transactions through the transactions service.

import { windowBounds } from "../ledger/windows";
import { listTransactions } from "../services/transactions";

export type SpendSeries = { agentId: string; currency: string; decimals: number; perDay: bigint[] };

const MAX_PAGES = 25;

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

export async function dailySpend(
  env: Env,
  orgId: string,
  tz: string,
  now: number,
  days: number,
): Promise<{ starts: number[]; series: SpendSeries[] }> {
  const starts = dayStarts(tz, now, days);
  const series = new Map<string, SpendSeries>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await listTransactions(env, orgId, {
      status: "committed",
      from: starts[0],
      limit: 200,
      ...(cursor ? { cursor } : {}),
    });
    for (const t of res.data) {
      if (!t.committed || !t.agentId) continue;
      const k = `${t.agentId}|${t.committed.currency}|${t.committed.decimals}`;
      let s = series.get(k);
      if (!s) {
        s = {
          agentId: t.agentId,
          currency: t.committed.currency,
          decimals: t.committed.decimals,
          perDay: starts.map(() => 0n),
        };
        series.set(k, s);
      }
      let day = starts.length - 1;
      while (day > 0 && t.createdAt < starts[day]!) day--;
      s.perDay[day] = s.perDay[day]! + BigInt(t.committed.amount);
    }
    if (!res.nextCursor) break;
    cursor = res.nextCursor;
  }
  return { starts, series: [...series.values()] };
}
