// Amounts in their currency's natural precision: trailing zeros trimmed to the display decimals, never
// a non-zero digit hidden, and the code in its registry spelling.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  currencyDisplayCode,
  displayDecimals,
  formatAmount,
  formatMajor,
  formatMoney,
  parseDecimal,
} from "../../src/money";

describe("formatMoney", () => {
  it.each([
    [3_000_000n, "PATHUSD", 6, "3.00 pathUSD"],
    [3_500_000n, "pathusd", 6, "3.50 pathUSD"],
    [1_234_567n, "USDC", 6, "1.234567 USDC"],
    [1_230_000n, "USDC", 6, "1.23 USDC"],
    [1_234_000n, "USDT", 6, "1.234 USDT"],
    [1n, "USDC", 6, "0.000001 USDC"],
    [0n, "USDC", 6, "0.00 USDC"],
    [1250n, "USD", 2, "12.50 USD"],
    [1500n, "JPY", 0, "1500 JPY"],
    [12_345n, "KWD", 3, "12.345 KWD"],
    [12_000n, "KWD", 3, "12.000 KWD"],
    [1_000_000n, "EURC", 6, "1.00 EURC"],
    [1_500_000_000_000_000_000n, "ETH", 18, "1.5 ETH"],
    [2_000_000_000_000_000_000n, "ETH", 18, "2 ETH"],
    [100_000_000n, "BTC", 8, "1 BTC"],
    [42n, "SAT", 0, "42 sat"],
    [-250n, "USD", 2, "-2.50 USD"],
    [5_000n, "DOGEBUCK", 3, "5.00 DOGEBUCK"],
    [5n, "DOGEBUCK", 1, "0.5 DOGEBUCK"],
  ] as const)("%s %s at %i decimals reads %s", (value, code, decimals, text) => {
    expect(formatMoney(value, code, decimals)).toBe(text);
  });

  it("spells codes as their issuers do and upper-cases the rest", () => {
    expect(currencyDisplayCode("PATHUSD")).toBe("pathUSD");
    expect(currencyDisplayCode("alphausd")).toBe("AlphaUSD");
    expect(currencyDisplayCode("usdc")).toBe("USDC");
    expect(currencyDisplayCode("eur")).toBe("EUR");
    expect(currencyDisplayCode("toString")).toBe("TOSTRING");
  });

  it("shows 2 decimals for USD-pegged stablecoins, the minor units for fiat, none for other tokens", () => {
    expect(displayDecimals("PATHUSD", 6)).toBe(2);
    expect(displayDecimals("DAI", 18)).toBe(2);
    expect(displayDecimals("BHD", 3)).toBe(3);
    expect(displayDecimals("USD", 0)).toBe(0);
    expect(displayDecimals("ETH", 18)).toBe(0);
  });

  it("never hides a digit: the shown number parses back to the exact base units", () => {
    const codes = ["USD", "PATHUSD", "USDC", "ETH", "JPY", "KWD", "UNKNOWN"];
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 30n }),
        fc.constantFrom(...codes),
        fc.integer({ min: 0, max: 18 }),
        (value, code, decimals) => {
          const major = formatMajor(value, code, decimals);
          const back = parseDecimal(major, decimals);
          expect(back.ok && back.value).toBe(value);
          expect(formatAmount(value, decimals).startsWith(major)).toBe(true);
        },
      ),
    );
  });
});
