// The currency registry and conversion over an explicit rate table (fail closed, round up).
import { describe, expect, it } from "vitest";
import { convert, currencyDecimals, currencyKind, normalizeCurrency } from "../../src/money";

describe("currency registry", () => {
  it.each([
    ["USD", 2],
    ["eur", 2],
    ["JPY", 0],
    ["KWD", 3],
    ["CLF", 4],
    ["USDC", 6],
    ["pathUSD", 6],
    ["USDT", 6],
    ["ETH", 18],
    ["sat", 0],
    ["BTC", 8],
  ] as const)("%s has %i decimals", (code, decimals) => {
    expect(currencyDecimals(code)).toBe(decimals);
  });

  it("knows fiat from tokens, normalizes case and refuses unknown codes", () => {
    expect(currencyKind("usd")).toBe("fiat");
    expect(currencyKind("usdc")).toBe("token");
    expect(normalizeCurrency(" pathUsd ")).toBe("PATHUSD");
    expect(currencyDecimals("DOGEBUCK")).toBeNull();
    expect(currencyDecimals("toString")).toBeNull();
    expect(currencyDecimals("__proto__")).toBeNull();
  });
});

describe("convert", () => {
  const table = [
    { from: "USDC", to: "USD", rate: "1" },
    { from: "EUR", to: "USD", rate: "1.08" },
    { from: "USD", to: "JPY", rate: "149.5" },
    { from: "ETH", to: "USD", rate: "3000.123456" },
  ];

  it("is the identity for the same currency, case-insensitively", () => {
    expect(convert({ value: 123n, currency: "usdc", decimals: 6 }, "USDC", [])).toEqual({
      ok: true,
      value: 123n,
      currency: "USDC",
      decimals: 6,
    });
  });

  it("treats USDC as USD 1:1 and rounds lost precision up", () => {
    expect(convert({ value: 5_000_000n, currency: "USDC", decimals: 6 }, "USD", table)).toEqual({
      ok: true,
      value: 500n,
      currency: "USD",
      decimals: 2,
    });
    expect(convert({ value: 5_000_001n, currency: "USDC", decimals: 6 }, "usd", table)).toMatchObject({
      ok: true,
      value: 501n,
    });
    expect(convert({ value: 1n, currency: "USDC", decimals: 6 }, "USD", table)).toMatchObject({ value: 1n });
  });

  it("applies decimal rates exactly", () => {
    expect(convert({ value: 100n, currency: "EUR", decimals: 2 }, "USD", table)).toMatchObject({
      value: 108n,
    });
    expect(convert({ value: 1n, currency: "EUR", decimals: 2 }, "USD", table)).toMatchObject({ value: 2n }); // 0.0108 -> 0.02
    expect(convert({ value: 100n, currency: "USD", decimals: 2 }, "JPY", table)).toMatchObject({
      value: 150n,
      decimals: 0,
    }); // 149.5 -> 150
    expect(convert({ value: 10n ** 18n, currency: "ETH", decimals: 18 }, "USD", table)).toMatchObject({
      value: 300013n,
    });
  });

  it("fails closed without a direct entry (no inverse, no chaining) and on unknown targets", () => {
    expect(convert({ value: 100n, currency: "USD", decimals: 2 }, "EUR", table)).toMatchObject({ ok: false });
    expect(convert({ value: 100n, currency: "GBP", decimals: 2 }, "USD", table)).toMatchObject({
      ok: false,
      error: expect.stringContaining("GBP"),
    });
    expect(
      convert({ value: 100n, currency: "USD", decimals: 2 }, "XYZ", [{ from: "USD", to: "XYZ", rate: "1" }]),
    ).toMatchObject({ ok: false });
    expect(
      convert({ value: 100n, currency: "EUR", decimals: 2 }, "USD", [
        { from: "EUR", to: "USD", rate: "abc" },
      ]),
    ).toMatchObject({ ok: false });
    expect(convert({ value: -1n, currency: "EUR", decimals: 2 }, "USD", table)).toMatchObject({ ok: false });
  });
});
