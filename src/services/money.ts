// Money at the admin API boundary: major-unit input ("5.00") parsed exactly into base-unit strings,
// and base-unit output rendered with currency, decimals and a human display string.
import { z } from "zod";
import { currencyDecimals, formatAmount, normalizeCurrency, parseDecimal } from "../money";
import { fieldError } from "./validate";

/** A decimal amount in major units, as text ("5.00") or a JSON number. */
export const MajorAmount = z.union([z.string().min(1).max(100), z.number()]);

export const Currency = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9._-]+$/, "must be a currency code like USD or USDC")
  .transform(normalizeCurrency);

export const Decimals = z.number().int().min(0).max(36);

export const MoneyView = z.object({
  amount: z.string().describe("integer base units"),
  currency: z.string(),
  decimals: z.number().int(),
  display: z.string().describe('e.g. "5.00 USD"'),
});
export type MoneyView = z.infer<typeof MoneyView>;

export function moneyView(amount: string, currency: string, decimals: number): MoneyView {
  return { amount, currency, decimals, display: `${formatAmount(BigInt(amount), decimals)} ${currency}` };
}

export function moneyViewOrNull(amount: string | null, currency: string | null, decimals: number | null) {
  return amount !== null && currency !== null && decimals !== null
    ? moneyView(amount, currency, decimals)
    : null;
}

/** Decimals of `currency`, or the explicit ones; unknown currencies must say how many. */
export function resolveDecimals(currency: string, explicit: number | undefined, path: string): number {
  if (explicit !== undefined) return explicit;
  const known = currencyDecimals(currency);
  if (known === null) throw fieldError(path, `unknown currency ${currency}: give decimals explicitly`);
  return known;
}

/** "5.00" at 2 decimals -> "500"; negative or over-precise amounts are a validation error on `path`. */
export function toBaseUnitString(value: string | number, decimals: number, path: string): string {
  const parsed = parseDecimal(value, decimals);
  if (!parsed.ok) throw fieldError(path, parsed.error);
  return parsed.value.toString();
}
