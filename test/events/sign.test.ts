// Signing and verification: checked against an independent HMAC computed with crypto.subtle here.
import { describe, expect, it } from "vitest";
import { newWebhookSecret, signPayload, verifySignature, WEBHOOK_SECRET_PATTERN } from "../../src/events";

async function independentHex(secret: string, signed: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    enc.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(signed)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

const SECRET = "whsec_abcdefghijklmnopqrstuvwxyz012345";
const BODY = '{"id":"evt_1","type":"webhook.test","data":{"message":"héllo"}}';
const T = 1_800_000_000;

describe("signPayload", () => {
  it("produces t=<unix>,v1=<hex HMAC-SHA256 of '<t>.<body>'>", async () => {
    const header = await signPayload(SECRET, BODY, T);
    expect(header).toBe(`t=${T},v1=${await independentHex(SECRET, `${T}.${BODY}`)}`);
  });

  it("emits one v1 per secret so receivers can rotate", async () => {
    const other = newWebhookSecret();
    const header = await signPayload([SECRET, other], BODY, T);
    expect(header.split(",")).toEqual([
      `t=${T}`,
      `v1=${await independentHex(SECRET, `${T}.${BODY}`)}`,
      `v1=${await independentHex(other, `${T}.${BODY}`)}`,
    ]);
    expect((await verifySignature(other, header, BODY, T)).ok).toBe(true);
    expect((await verifySignature(SECRET, header, BODY, T)).ok).toBe(true);
  });

  it("refuses a non-integer timestamp", async () => {
    await expect(signPayload(SECRET, BODY, 1.5)).rejects.toThrow(RangeError);
  });
});

describe("verifySignature", () => {
  it("accepts a genuine signature inside the default 300 s window, both ways", async () => {
    const header = await signPayload(SECRET, BODY, T);
    expect(await verifySignature(SECRET, header, BODY, T + 300)).toEqual({ ok: true, timestamp: T });
    expect(await verifySignature(SECRET, header, BODY, T - 300)).toEqual({ ok: true, timestamp: T });
  });

  it("rejects a stale or future timestamp outside the window", async () => {
    const header = await signPayload(SECRET, BODY, T);
    expect(await verifySignature(SECRET, header, BODY, T + 301)).toEqual({
      ok: false,
      reason: "timestamp_outside_tolerance",
    });
    expect((await verifySignature(SECRET, header, BODY, T - 301)).ok).toBe(false);
    expect((await verifySignature(SECRET, header, BODY, T + 60, 30)).ok).toBe(false);
  });

  it("treats tolerance 0 as 'same second', never as 'skip the check'", async () => {
    const header = await signPayload(SECRET, BODY, T);
    expect((await verifySignature(SECRET, header, BODY, T, 0)).ok).toBe(true);
    expect(await verifySignature(SECRET, header, BODY, T + 1, 0)).toEqual({
      ok: false,
      reason: "timestamp_outside_tolerance",
    });
    expect((await verifySignature(SECRET, header, BODY, T + 86_400 * 365, 0)).ok).toBe(false);
  });

  it("rejects a tampered body, a wrong secret, and a re-dated header", async () => {
    const header = await signPayload(SECRET, BODY, T);
    const mismatch = { ok: false, reason: "signature_mismatch" };
    expect(await verifySignature(SECRET, header, BODY.replace("héllo", "hello"), T)).toEqual(mismatch);
    expect(await verifySignature(SECRET, header, `${BODY} `, T)).toEqual(mismatch);
    expect(await verifySignature(newWebhookSecret(), header, BODY, T)).toEqual(mismatch);
    const redated = header.replace(`t=${T}`, `t=${T + 10}`);
    expect(await verifySignature(SECRET, redated, BODY, T + 10)).toEqual(mismatch);
  });

  it("reports malformed headers and missing v1 entries as data", async () => {
    expect(await verifySignature(SECRET, "garbage", BODY, T)).toEqual({
      ok: false,
      reason: "malformed_header",
    });
    expect(await verifySignature(SECRET, "v1=abc", BODY, T)).toEqual({
      ok: false,
      reason: "malformed_header",
    });
    expect(await verifySignature(SECRET, `t=${T}`, BODY, T)).toEqual({
      ok: false,
      reason: "no_v1_signature",
    });
    expect(await verifySignature(SECRET, `t=${T},v1=zz`, BODY, T)).toEqual({
      ok: false,
      reason: "signature_mismatch",
    });
    // Unknown schemes are ignored; a valid v1 among them still passes.
    const header = await signPayload(SECRET, BODY, T);
    expect((await verifySignature(SECRET, `${header},v0=deadbeef`, BODY, T)).ok).toBe(true);
  });

  it("throws on a negative tolerance (a programming error, not a verdict)", async () => {
    const header = await signPayload(SECRET, BODY, T);
    await expect(verifySignature(SECRET, header, BODY, T, -1)).rejects.toThrow(RangeError);
  });
});

describe("newWebhookSecret", () => {
  it("is whsec_ + 32 base62 characters, different every time", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const s = newWebhookSecret();
      expect(s).toMatch(WEBHOOK_SECRET_PATTERN);
      seen.add(s);
    }
    expect(seen.size).toBe(200);
  });
});
