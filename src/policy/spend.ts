// Prices in budget terms: converting the offered price into a budget's currency and decimals
// (rounding up, so conversions never make a call look cheaper), and the money lines for the ledger.
import { type ConversionTable, convert } from "../money/convert";
import { normalizeCurrency } from "../money/currency";
import { formatAmount, parseExactDecimal, rescale, toBaseUnits } from "../money/decimal";
import type { SpendField } from "./compiled";
import { moneyUnit } from "./keys";
import type { Price, ScopeWindow } from "./types";

export type BudgetAmount = { value: bigint; currency: string; decimals: number; unit: string };
export type BudgetResult = { ok: true; amount: BudgetAmount } | { ok: false; error: string };

export const FIELD_WINDOW: Record<Exclude<SpendField, "per_call">, ScopeWindow> = {
  hourly: "hour",
  daily: "day",
  weekly: "week",
  monthly: "month",
  session: "session",
  total: "total",
};

/** The price in `target` currency at `decimals` (null target = the price's own currency and decimals). */
export function priceIn(
  price: Price,
  target: { code: string; decimals: number } | null,
  table: ConversionTable,
): BudgetResult {
  if (price.amount < 0n) return { ok: false, error: "the offered price is negative" };
  if (target === null) {
    const currency = normalizeCurrency(price.currency);
    return {
      ok: true,
      amount: {
        value: price.amount,
        currency,
        decimals: price.decimals,
        unit: moneyUnit(currency, price.decimals),
      },
    };
  }
  const converted = convert(
    { value: price.amount, currency: price.currency, decimals: price.decimals },
    target.code,
    table,
  );
  if (!converted.ok) return { ok: false, error: converted.error };
  const scaled = rescale(converted.value, converted.decimals, target.decimals, "up");
  if (!scaled.ok) return { ok: false, error: scaled.error };
  return {
    ok: true,
    amount: {
      value: scaled.value,
      currency: target.code,
      decimals: target.decimals,
      unit: moneyUnit(target.code, target.decimals),
    },
  };
}

/** A major-unit limit in base units at `decimals`; digits beyond them are dropped (a lower limit is the safe side). */
export function limitIn(major: string, base: string | null, decimals: number): bigint {
  if (base !== null) return BigInt(base);
  // A policy's limits are few and fixed: parse each (limit, decimals) once per isolate.
  const key = `${decimals}|${major}`;
  let value = limits.get(key);
  if (value === undefined) {
    const d = parseExactDecimal(major);
    const b = d.ok ? toBaseUnits(d.value, decimals, "down") : null;
    value = b?.ok ? b.value : 0n;
    if (limits.size >= 10_000) limits.clear();
    limits.set(key, value);
  }
  return value;
}
const limits = new Map<string, bigint>();

export function showMoney(value: bigint, b: { currency: string; decimals: number }): string {
  return `${formatAmount(value, b.decimals)} ${b.currency}`;
}
