import { describe, expect, it } from "vitest";
import {
  canonicalJson,
  decodeBase64Json,
  decodeBase64Text,
  lookupAsset,
  parseBaseUnits,
  parseRfc3339,
} from "../../src/payments";

describe("parseBaseUnits", () => {
  it.each([
    "0",
    "1",
    "10000",
    "115792089237316195423570985008687907853269984665640564039457584007913129639935",
  ])("accepts %s", (value) => {
    expect(parseBaseUnits(value)).toBe(BigInt(value));
  });

  it.each([
    "010",
    "00",
    "1.5",
    "1.0",
    "-1",
    "+1",
    "1e3",
    " 1",
    "1 ",
    "",
    "0x10",
    "１",
    "1_000",
    "9".repeat(79),
  ])("rejects %j", (value) => {
    expect(parseBaseUnits(value)).toBeNull();
  });

  it("rejects non-strings", () => {
    for (const value of [1, 1n, null, undefined, {}, ["1"]]) expect(parseBaseUnits(value)).toBeNull();
  });
});

describe("parseRfc3339", () => {
  it("reads offsets and fractions", () => {
    expect(parseRfc3339("2026-11-23T07:13:16.286Z")).toBe(Date.UTC(2026, 10, 23, 7, 13, 16, 286));
    expect(parseRfc3339("2026-11-23T08:13:16+01:00")).toBe(Date.UTC(2026, 10, 23, 7, 13, 16));
  });
  it.each(["2026-11-23", "2026-11-23T07:13:16", "tomorrow", "2026-13-45T99:99:99Z", 1700000000])(
    "rejects %j",
    (v) => {
      expect(parseRfc3339(v)).toBeNull();
    },
  );
});

describe("base64 decoding", () => {
  const json = '{"a":"ü~?>"}';
  const standard = btoa(String.fromCharCode(...new TextEncoder().encode(json)));
  const url = standard.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

  it("decodes standard base64 with padding and base64url without", () => {
    expect(standard).toMatch(/[+/]|=$/);
    expect(decodeBase64Text(standard)).toBe(json);
    expect(decodeBase64Text(url)).toBe(json);
    expect(decodeBase64Json(url)).toEqual({ a: "ü~?>" });
  });

  it.each(["", "%%%", "a", "abc=d", "ab=", "YQ===", "not base64!"])("rejects %j", (value) => {
    expect(decodeBase64Text(value)).toBeNull();
  });

  it("rejects bytes that are not UTF-8 and text that is not JSON", () => {
    expect(decodeBase64Text(btoa("\xff\xfe"))).toBeNull();
    expect(decodeBase64Json(btoa("not json"))).toBeNull();
  });
});

describe("canonicalJson", () => {
  it("sorts keys by UTF-16 code units and drops whitespace", () => {
    expect(canonicalJson({ b: [1, { d: null, c: true }], a: "x", é: 1, Z: 0 })).toBe(
      '{"Z":0,"a":"x","b":[1,{"c":true,"d":null}],"é":1}',
    );
  });
  it("is insensitive to key order", () => {
    expect(canonicalJson({ x: 1, y: { p: 1, q: 2 } })).toBe(canonicalJson({ y: { q: 2, p: 1 }, x: 1 }));
  });
  it.each([Number.NaN, Number.POSITIVE_INFINITY, 1n, () => 1])("throws on non-JSON %s", (value) => {
    expect(() => canonicalJson({ value })).toThrow(TypeError);
  });
  it("throws on cycles", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(TypeError);
  });
});

describe("lookupAsset", () => {
  it.each([
    ["stripe", null, "usd", { currency: "USD", decimals: 2 }],
    ["test", null, "usd", { currency: "USD", decimals: 2 }],
    ["stripe", null, "eur", { currency: "EUR", decimals: 2 }],
    ["stripe", null, "jpy", { currency: "JPY", decimals: 0 }],
    ["stripe", null, "kwd", { currency: "KWD", decimals: 3 }],
    ["tempo", null, "0x20c0000000000000000000000000000000000000", { currency: "PATHUSD", decimals: 6 }],
    ["tempo", "eip155:4217", "0x20C000000000000000000000b9537d11c60E8b50", { currency: "USDC", decimals: 6 }],
    [
      "test",
      "eip155:42431",
      "0x20C0000000000000000000000000000000000000",
      { currency: "PATHUSD", decimals: 6 },
    ],
    ["exact", "eip155:8453", "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", { currency: "USDC", decimals: 6 }],
    [
      "exact",
      "eip155:84532",
      "0x036cbd53842c5426634e7929541ec2318f3dcf7e",
      { currency: "USDC", decimals: 6 },
    ],
    [
      "exact",
      "base-sepolia",
      "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
      { currency: "USDC", decimals: 6 },
    ],
    ["evm", "eip155:84532", "0x036CbD53842c5426634e7929541eC2318f3dCF7e", { currency: "USDC", decimals: 6 }],
    ["lightning", null, "sat", { currency: "SAT", decimals: 0 }],
  ])("%s on %s: %s is known", (method, network, asset, expected) => {
    expect(lookupAsset(method, network, asset)).toEqual(expected);
  });

  it.each([
    ["tempo", null, "usd"], // spec examples show it, but tempo settles TIP-20 tokens
    ["stripe", null, "USD"],
    ["stripe", null, "xyz"],
    ["stripe", null, "isk"], // ISO and Stripe disagree on minor units
    ["exact", "eip155:1", "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"], // Base USDC address on another chain
    ["exact", null, "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"],
    ["exact", "eip155:84532", "usd"],
    ["tempo", "eip155:8453", "0x20c0000000000000000000000000000000000000"],
    ["solana", null, "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"],
    ["lightning", null, "msat"],
    ["exact", "eip155:8453", "constructor"],
  ])("%s on %s: %s is unknown (fail closed)", (method, network, asset) => {
    expect(lookupAsset(method, network, asset)).toBeNull();
  });
});
