// Inline SVG drawings, no chart library: a budget bar (spent, reserved, remaining) and daily spend bars.
// Widths come from exact base-unit ratios (perMille); amounts are shown in their natural precision,
// which never hides a non-zero digit, with the exact base units on hover.

import { currencyDisplayCode, formatMoney } from "../../money";
import type { BalanceView } from "../../services/schemas/activity";
import { duration, exactUnits, perMille, time } from "../format";

function amountOf(b: BalanceView, v: string): string {
  return b.kind === "money" && b.decimals !== null && b.currency !== null
    ? formatMoney(BigInt(v), b.currency, b.decimals)
    : `${v} calls`;
}

function Part({ b, v }: { b: BalanceView; v: string }) {
  const exact =
    b.kind === "money" && b.decimals !== null ? exactUnits({ amount: v, decimals: b.decimals }) : undefined;
  return <span title={exact}>{amountOf(b, v)}</span>;
}

export function BudgetBar({ b, tz, now }: { b: BalanceView; tz: string; now: number }) {
  const limit = BigInt(b.limit);
  const spentW = perMille(BigInt(b.committed), limit);
  const reservedW = Math.min(1000 - spentW, perMille(BigInt(b.reserved), limit));
  const summary = `${b.label}: spent ${amountOf(b, b.committed)}, reserved ${amountOf(b, b.reserved)}, remaining ${amountOf(b, b.remaining)} of ${amountOf(b, b.limit)}`;
  return (
    <div class="budget">
      <div class="budget-head">
        <strong>{b.label}</strong>
        <span>
          <Part b={b} v={b.remaining} /> left of <Part b={b} v={b.limit} />
        </span>
      </div>
      <svg class="bar" viewBox="0 0 1000 16" preserveAspectRatio="none" role="img" aria-label={summary}>
        <rect class="remaining" x="0" y="0" width="1000" height="16" />
        <rect class="spent" x="0" y="0" width={spentW} height="16" />
        <rect class="reserved" x={spentW} y="0" width={reservedW} height="16" />
      </svg>
      <p class="budget-foot">
        <span class="key spent">
          spent <Part b={b} v={b.committed} />
        </span>{" "}
        <span class="key reserved">
          reserved <Part b={b} v={b.reserved} />
        </span>{" "}
        <span class="key remaining">
          remaining <Part b={b} v={b.remaining} />
        </span>
        {b.windowEnd !== null ? (
          <span class="reset">
            {" "}
            · resets {time(b.windowEnd, tz)} (in {duration(b.windowEnd - now)})
          </span>
        ) : (
          <span class="reset"> · no reset ({b.window})</span>
        )}
      </p>
    </div>
  );
}

export type DaySpend = { start: number; amount: bigint };

export function SpendChart(props: {
  title: string;
  days: DaySpend[];
  currency: string;
  decimals: number;
  tz: string;
}) {
  const { days, currency, decimals, tz } = props;
  const shown = (amount: bigint) => formatMoney(amount, currency, decimals);
  // biome-ignore lint/complexity/useMathMinMax: bigint amounts; Math.max would need Number()
  const max = days.reduce((m, d) => (d.amount > m ? d.amount : m), 0n);
  const total = days.reduce((s, d) => s + d.amount, 0n);
  const w = 10;
  const h = 60;
  const first = days[0];
  const last = days[days.length - 1];
  return (
    <figure class="chart">
      <figcaption>
        {props.title} ({currencyDisplayCode(currency)}):{" "}
        <span title={exactUnits({ amount: String(total), decimals })}>{shown(total)}</span>
      </figcaption>
      <svg
        viewBox={`0 0 ${days.length * w} ${h}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${props.title}, total ${shown(total)}, highest day ${shown(max)}`}
      >
        {days.map((d, i) => {
          const bh = (perMille(d.amount, max) * h) / 1000;
          return (
            <rect class="day" x={i * w + 1} y={h - bh} width={w - 2} height={bh}>
              <title>{`${time(d.start, tz).slice(0, 11)}: ${shown(d.amount)}`}</title>
            </rect>
          );
        })}
      </svg>
      {first && last ? (
        <div class="chart-axis">
          <span>{time(first.start, tz).slice(0, 11)}</span>
          <span>{time(last.start, tz).slice(0, 11)}</span>
        </div>
      ) : null}
    </figure>
  );
}
