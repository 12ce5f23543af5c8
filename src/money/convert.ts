// Currency conversion over an explicit, operator-supplied rate table. Fails closed: no entry, no conversion.
// Precision lost while rescaling is always rounded UP, so a converted price never looks cheaper than it is.
import { z } from "zod";
import { currencyDecimals, normalizeCurrency } from "./currency";
import { parseExactDecimal, pow10 } from "./decimal";

export const ConversionSchema = z.strictObject({
  from: z.string().min(1),
  to: z.string().min(1),
  /** Exact decimal: 1 unit of `from` (major) = rate units of `to` (major). */
  rate: z.union([z.string(), z.number()]).transform((v) => String(v)),
});
export const ConversionTableSchema = z.array(ConversionSchema);
export type Conversion = z.infer<typeof ConversionSchema>;
export type ConversionTable = Conversion[];

export type Money = { value: bigint; currency: string; decimals: number };
export type ConvertResult = ({ ok: true } & Money) | { ok: false; error: string };

/** Validates one rate string: an exact, strictly positive decimal. */
export function checkRate(rate: string): string | null {
  const r = parseExactDecimal(rate);
  if (!r.ok) return `rate ${r.error}`;
  if (r.value.coef <= 0n) return `rate must be greater than 0, got "${rate}"`;
  return null;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b > 0n ? q + 1n : q;
}

/**
 * Converts `amount` into currency `to` using the first matching direct entry of `table`
 * (inverse entries are not derived: 1/rate is rarely exact). The result uses the registry
 * decimals of `to`. Same currency is the identity (decimals unchanged).
 */
export function convert(amount: Money, to: string, table: ConversionTable): ConvertResult {
  const from = normalizeCurrency(amount.currency);
  const target = normalizeCurrency(to);
  if (from === target) return { ok: true, value: amount.value, currency: target, decimals: amount.decimals };
  if (amount.value < 0n) return { ok: false, error: "cannot convert a negative amount" };
  const toDecimals = currencyDecimals(target);
  if (toDecimals === null) return { ok: false, error: `unknown currency ${target}` };
  const entry = table.find((e) => normalizeCurrency(e.from) === from && normalizeCurrency(e.to) === target);
  if (!entry) return { ok: false, error: `no conversion rate from ${from} to ${target}` };
  const rate = parseExactDecimal(entry.rate);
  if (!rate.ok || rate.value.coef <= 0n) return { ok: false, error: `invalid rate for ${from} to ${target}` };
  // value/10^d1 * coef/10^rs * 10^d2 base units of the target.
  const numerator = amount.value * rate.value.coef;
  const shift = toDecimals - amount.decimals - rate.value.scale;
  const value = shift >= 0 ? numerator * pow10(shift) : ceilDiv(numerator, pow10(-shift));
  return { ok: true, value, currency: target, decimals: toDecimals };
}
