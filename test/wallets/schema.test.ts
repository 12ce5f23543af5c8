// Wallet method secrets and their public description: keys parse by format, describeMethod proves them
// usable and shows only the kind and the derived address, never the key.
import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import {
  describeMethod,
  MethodDescriptionSchema,
  parseMethodSecret,
  parseMethodSecretText,
  serializeMethodSecret,
} from "../../src/wallets";

const KEY = `0x${"4c".repeat(32)}` as const;

describe("method secrets", () => {
  it("parses the three kinds and defaults the test token", () => {
    expect(parseMethodSecret({ kind: "mpp-test" })).toEqual({
      ok: true,
      secret: { kind: "mpp-test", token: "ok" },
    });
    for (const kind of ["mpp-evm", "x402-evm"] as const) {
      expect(parseMethodSecret({ kind, privateKey: KEY })).toEqual({
        ok: true,
        secret: { kind, privateKey: KEY },
      });
    }
  });

  it("refuses unknown kinds, extra fields and malformed keys, naming fields but not values", () => {
    const cases = [
      { kind: "stripe", privateKey: KEY },
      { kind: "x402-evm", privateKey: KEY, note: "extra" },
      { kind: "x402-evm", privateKey: "0x1234deadbeefsecret" },
      { kind: "mpp-evm", privateKey: KEY.slice(0, 60) },
    ];
    for (const value of cases) {
      const parsed = parseMethodSecret(value);
      expect(parsed).toMatchObject({ ok: false, code: "invalid_secret" });
      expect(JSON.stringify(parsed)).not.toMatch(/4c4c4c|deadbeef/);
    }
  });

  it("roundtrips through the JSON text that secret-box seals", () => {
    const secret = { kind: "x402-evm", privateKey: KEY } as const;
    expect(parseMethodSecretText(serializeMethodSecret(secret))).toEqual({ ok: true, secret });
    expect(parseMethodSecretText("not json")).toMatchObject({ ok: false, code: "invalid_secret" });
  });
});

describe("describeMethod", () => {
  it("shows the address viem derives, and nothing secret", () => {
    const described = describeMethod({ kind: "x402-evm", privateKey: KEY });
    expect(described).toEqual({
      ok: true,
      description: { kind: "x402-evm", address: privateKeyToAccount(KEY).address },
    });
    expect(JSON.stringify(described)).not.toContain("4c4c");
    if (described.ok)
      expect(MethodDescriptionSchema.parse(described.description)).toEqual(described.description);
    expect(describeMethod({ kind: "mpp-test", token: "secret-token" })).toEqual({
      ok: true,
      description: { kind: "mpp-test", address: null },
    });
  });

  it("refuses a well-formed key outside the secp256k1 range before it is stored", () => {
    for (const privateKey of [`0x${"00".repeat(32)}`, `0x${"ff".repeat(32)}`]) {
      const described = describeMethod({ kind: "mpp-evm", privateKey });
      expect(described).toMatchObject({ ok: false, code: "invalid_secret" });
      expect(JSON.stringify(described)).not.toContain("ffffffff");
    }
  });
});
