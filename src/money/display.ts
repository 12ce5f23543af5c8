// Amounts as people read them: "3.00 pathUSD", not "3.000000 PATHUSD". Trailing zeros are trimmed down
// to the currency's display precision and never further, so no non-zero digit is ever hidden.
import { currencyDecimals, currencyDisplayCode, currencyKind, currencyPeg } from "./currency";
import { formatAmount } from "./decimal";

/**
 * Fraction digits always shown: a fiat currency's minor units, a stablecoin's peg's (2 for USD),
 * none for other tokens ("1.5 ETH", "2 sat"); for an unknown code, up to 2. Never more than `decimals`.
 */
export function displayDecimals(code: string, decimals: number): number {
  const peg = currencyPeg(code);
  const kind = currencyKind(code);
  const shown =
    peg !== null
      ? (currencyDecimals(peg) ?? 2)
      : kind === "fiat"
        ? (currencyDecimals(code) ?? 2)
        : kind === "token"
          ? 0
          : 2;
  return Math.max(0, Math.min(shown, decimals));
}

/** The major-unit number alone: (3000000n, "PATHUSD", 6) -> "3.00"; (1234567n, ...) -> "1.234567". */
export function formatMajor(value: bigint, code: string, decimals: number): string {
  const full = formatAmount(value, decimals);
  if (decimals <= 0) return full;
  const keep = displayDecimals(code, decimals);
  const point = full.length - decimals - 1;
  let end = full.length;
  while (end > point + 1 + keep && full[end - 1] === "0") end--;
  return full.slice(0, end === point + 1 ? point : end);
}

/** The amount with its code as people write it: "3.00 pathUSD", "0.000001 USDC", "1500 JPY" (no grouping). */
export function formatMoney(value: bigint, code: string, decimals: number): string {
  return `${formatMajor(value, code, decimals)} ${currencyDisplayCode(code)}`;
}
