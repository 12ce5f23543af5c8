// Wallet secrets sealed with AES-GCM under the KEK keyring: roundtrip, tampering, foreign rows, rotation.
import { describe, expect, it } from "vitest";
import { base64url } from "../../src/auth/encoding";
import {
  decryptSecret,
  encryptSecret,
  envelopeKid,
  type Keyring,
  parseKeyring,
  reencrypt,
  type SecretBinding,
} from "../../src/wallets";

const K1 = base64url(new Uint8Array(32).fill(1));
const K2 = btoa(String.fromCharCode(...new Uint8Array(32).fill(2))); // standard base64 with padding
const ROW: SecretBinding = { orgId: "org_a", walletId: "wal_1", methodId: "pm_1" };
const SECRET = JSON.stringify({ kind: "x402-evm", privateKey: `0x${"11".repeat(32)}` });

function keyring(text: string): Keyring {
  const parsed = parseKeyring(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.keyring;
}

describe("parseKeyring", () => {
  it("reads a bare key as kid default, pairs with the first as current, and JSON", () => {
    expect(keyring(K1).current).toBe("default");
    const pairs = keyring(`k2:${K2}, k1:${K1}`);
    expect(pairs.current).toBe("k2");
    expect([...pairs.keys.keys()]).toEqual(["k2", "k1"]);
    expect(keyring(JSON.stringify({ current: "k1", keys: { k1: K1, k2: K2 } })).current).toBe("k1");
  });

  it("refuses short keys, a current kid without a key, duplicates and dotted kids, without echoing keys", () => {
    const short = base64url(new Uint8Array(16));
    const cases = [
      "",
      short,
      `k1:${short}`,
      `k1:${K1},k1:${K2}`,
      `k.1:${K1}`,
      JSON.stringify({ current: "k3", keys: { k1: K1 } }),
      "{not json",
      "k1:***",
    ];
    for (const text of cases) {
      const parsed = parseKeyring(text);
      expect(parsed).toMatchObject({ ok: false, code: "invalid_keyring" });
      if (!parsed.ok) expect(parsed.message).not.toContain(short);
    }
  });
});

describe("encryptSecret / decryptSecret", () => {
  const ring = keyring(`k1:${K1}`);

  it("roundtrips, and every envelope gets a fresh IV", async () => {
    const a = await encryptSecret(ring, ROW, SECRET);
    const b = await encryptSecret(ring, ROW, SECRET);
    expect(a).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain("11111111");
    expect(await decryptSecret(ring, ROW, a)).toEqual({ ok: true, plaintext: SECRET });
  });

  it("refuses a ciphertext moved to another org, wallet or method", async () => {
    const sealed = await encryptSecret(ring, ROW, SECRET);
    for (const moved of [
      { ...ROW, orgId: "org_b" },
      { ...ROW, walletId: "wal_2" },
      { ...ROW, methodId: "pm_2" },
    ]) {
      expect(await decryptSecret(ring, moved, sealed)).toMatchObject({ ok: false, code: "decrypt_failed" });
    }
  });

  it("refuses a flipped ciphertext bit, a swapped IV and a relabelled kid", async () => {
    const sealed = await encryptSecret(keyring(`k1:${K1},k2:${K1}`), ROW, SECRET);
    const [v, kid, iv, ct] = sealed.split(".") as [string, string, string, string];
    const flipped = `${ct.slice(0, 5)}${ct[5] === "A" ? "B" : "A"}${ct.slice(6)}`;
    const otherIv = (await encryptSecret(ring, ROW, SECRET)).split(".")[2];
    const both = keyring(`k1:${K1},k2:${K1}`);
    expect(await decryptSecret(both, ROW, [v, kid, iv, flipped].join("."))).toMatchObject({
      code: "decrypt_failed",
    });
    expect(await decryptSecret(both, ROW, [v, kid, otherIv, ct].join("."))).toMatchObject({
      code: "decrypt_failed",
    });
    // Same key bytes under another kid still fails: the kid is authenticated in the AAD.
    expect(await decryptSecret(both, ROW, [v, "k2", iv, ct].join("."))).toMatchObject({
      code: "decrypt_failed",
    });
  });

  it("answers unknown_kid and malformed_envelope as data", async () => {
    const sealed = await encryptSecret(keyring(`k9:${K2}`), ROW, SECRET);
    expect(await decryptSecret(ring, ROW, sealed)).toMatchObject({ ok: false, code: "unknown_kid" });
    for (const bad of [
      "",
      "v2.k1.a.b",
      "v1.k1.short.AAAA",
      "v1..AAAAAAAAAAAAAAAA.AAAA",
      sealed.slice(0, 30),
    ]) {
      expect(await decryptSecret(ring, ROW, bad)).toMatchObject({ ok: false, code: "malformed_envelope" });
    }
  });
});

describe("reencrypt (KEK rotation)", () => {
  it("moves an old envelope to the current kid and leaves current ones alone", async () => {
    const old = keyring(`k1:${K1}`);
    const rotated = keyring(`k2:${K2},k1:${K1}`);
    const sealed = await encryptSecret(old, ROW, SECRET);
    const moved = await reencrypt(rotated, ROW, sealed);
    if (!moved.ok) throw new Error(moved.message);
    expect(moved.rotated).toBe(true);
    expect(envelopeKid(moved.envelope)).toBe("k2");
    expect(await decryptSecret(keyring(`k2:${K2}`), ROW, moved.envelope)).toEqual({
      ok: true,
      plaintext: SECRET,
    });
    expect(await reencrypt(rotated, ROW, moved.envelope)).toEqual({
      ok: true,
      envelope: moved.envelope,
      rotated: false,
    });
  });

  it("refuses to rotate an envelope it cannot open", async () => {
    const sealed = await encryptSecret(keyring(`k1:${K1}`), ROW, SECRET);
    expect(await reencrypt(keyring(`k2:${K2}`), ROW, sealed)).toMatchObject({
      ok: false,
      code: "unknown_kid",
    });
    expect(await reencrypt(keyring(`k2:${K2},k1:${K1}`), { ...ROW, orgId: "x" }, sealed)).toMatchObject({
      ok: false,
      code: "decrypt_failed",
    });
  });
});
