// Standard Webhooks signing: checked against the standardwebhooks library itself (verify and sign), a
// known-answer vector, and an independent HMAC computed with crypto.subtle here.
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import {
  newWebhookSecret,
  signWebhook,
  verifyWebhook,
  WEBHOOK_SECRET_PATTERN,
  webhookSecretKey,
} from "../../src/events";
import { verifyWithLibrary } from "./helpers";

/** base64 HMAC-SHA256 keyed with the base64-decoded part after "whsec_", computed without src/events. */
async function independentSignature(secret: string, signed: string): Promise<string> {
  const raw = Uint8Array.from(atob(secret.slice("whsec_".length)), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(signed)));
  return btoa(String.fromCharCode(...mac));
}

const SECRET = "whsec_abcdefghijklmnopqrstuvwxyz012345";
const ID = "evt_1";
const BODY = '{"id":"evt_1","type":"webhook.test","data":{"message":"héllo"}}';
const T = 1_800_000_000;
const AT = T * 1000;

describe("signWebhook", () => {
  it("produces webhook-id, webhook-timestamp and v1,<base64 HMAC of '<id>.<t>.<body>'>", async () => {
    const headers = await signWebhook(SECRET, ID, BODY, T);
    expect(headers).toEqual({
      "webhook-id": ID,
      "webhook-timestamp": String(T),
      "webhook-signature": `v1,${await independentSignature(SECRET, `${ID}.${T}.${BODY}`)}`,
    });
    // The library's own signer agrees byte for byte.
    expect(headers["webhook-signature"]).toBe(new Webhook(SECRET).sign(ID, new Date(AT), BODY));
  });

  it("matches the Standard Webhooks libraries' known-answer vector", async () => {
    const headers = await signWebhook(
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      "msg_p5jXN8AQM9LWM0D4loKWxJek",
      '{"test": 2432232314}',
      1_614_265_330,
    );
    expect(headers["webhook-signature"]).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("is verified by the standardwebhooks library, which returns the parsed body", async () => {
    const headers = await signWebhook(SECRET, ID, BODY, T);
    expect(verifyWithLibrary(SECRET, BODY, headers, AT)).toEqual(JSON.parse(BODY));
    expect(verifyWithLibrary(SECRET, BODY, headers, AT + 300_000)).toEqual(JSON.parse(BODY));
  });

  it("a tampered body, id or timestamp fails the library's check", async () => {
    const headers = await signWebhook(SECRET, ID, BODY, T);
    const noMatch = "No matching signature found";
    expect(() => verifyWithLibrary(SECRET, BODY.replace("héllo", "hello"), headers, AT)).toThrow(noMatch);
    expect(() => verifyWithLibrary(SECRET, `${BODY} `, headers, AT)).toThrow(noMatch);
    expect(() => verifyWithLibrary(SECRET, BODY, { ...headers, "webhook-id": "evt_2" }, AT)).toThrow(noMatch);
    const redated = { ...headers, "webhook-timestamp": String(T + 10) };
    expect(() => verifyWithLibrary(SECRET, BODY, redated, AT + 10_000)).toThrow(noMatch);
    expect(() => verifyWithLibrary(newWebhookSecret(), BODY, headers, AT)).toThrow(noMatch);
  });

  it("a stale or future timestamp fails the library's 300 s window", async () => {
    const headers = await signWebhook(SECRET, ID, BODY, T);
    expect(() => verifyWithLibrary(SECRET, BODY, headers, AT + 301_000)).toThrow("Message timestamp too old");
    expect(() => verifyWithLibrary(SECRET, BODY, headers, AT - 301_000)).toThrow("Message timestamp too new");
  });

  it("emits one space-separated v1 per secret, each verifiable on its own (rotation)", async () => {
    const other = newWebhookSecret();
    const headers = await signWebhook([SECRET, other], ID, BODY, T);
    expect(headers["webhook-signature"].split(" ")).toEqual([
      `v1,${await independentSignature(SECRET, `${ID}.${T}.${BODY}`)}`,
      `v1,${await independentSignature(other, `${ID}.${T}.${BODY}`)}`,
    ]);
    expect(verifyWithLibrary(SECRET, BODY, headers, AT)).toBeDefined();
    expect(verifyWithLibrary(other, BODY, headers, AT)).toBeDefined();
    expect((await verifyWebhook(other, headers, BODY, T)).ok).toBe(true);
  });

  it("refuses a bad timestamp, an id with a dot or space, and secrets that are not whsec_<base64 key>", async () => {
    await expect(signWebhook(SECRET, ID, BODY, 1.5)).rejects.toThrow(RangeError);
    await expect(signWebhook(SECRET, "evt.1", BODY, T)).rejects.toThrow(RangeError);
    await expect(signWebhook(SECRET, "evt 1", BODY, T)).rejects.toThrow(RangeError);
    await expect(signWebhook([], ID, BODY, T)).rejects.toThrow(RangeError);
    for (const bad of ["abcdefghijklmnopqrstuvwxyz012345", "whsec_abc-defghijklmnopqrstuvwxyz01234"]) {
      await expect(signWebhook(bad, ID, BODY, T)).rejects.toThrow("secret must be whsec_");
    }
  });
});

describe("webhookSecretKey", () => {
  const b64 = (n: number) => btoa(String.fromCharCode(...new Uint8Array(n).fill(7)));

  it("decodes canonical base64 keys of 24 to 64 bytes", () => {
    expect(webhookSecretKey(SECRET)?.length).toBe(24);
    expect(webhookSecretKey(`whsec_${b64(32)}`)?.length).toBe(32);
    expect(webhookSecretKey(`whsec_${b64(64)}`)?.length).toBe(64);
  });

  it("refuses a missing prefix, non-base64, missing padding, and keys outside 24..64 bytes", () => {
    expect(webhookSecretKey(SECRET.slice("whsec_".length))).toBeNull();
    expect(webhookSecretKey("whsec_abcdefghijklmnopqrstuvwxyz01234-")).toBeNull();
    expect(webhookSecretKey(`whsec_${b64(32).replace("=", "")}`)).toBeNull();
    expect(webhookSecretKey(`whsec_${b64(23)}`)).toBeNull();
    expect(webhookSecretKey(`whsec_${b64(65)}`)).toBeNull();
    expect(webhookSecretKey("whsec_")).toBeNull();
  });
});

describe("verifyWebhook (the clock passed in)", () => {
  it("accepts a genuine delivery inside the default 300 s window, both ways", async () => {
    const headers = await signWebhook(SECRET, ID, BODY, T);
    const ok = { ok: true, id: ID, timestamp: T };
    expect(await verifyWebhook(SECRET, headers, BODY, T + 300)).toEqual(ok);
    expect(await verifyWebhook(SECRET, headers, BODY, T - 300)).toEqual(ok);
    expect(await verifyWebhook(SECRET, new Headers(headers), BODY, T)).toEqual(ok);
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
    expect(await verifyWebhook(SECRET, upper, BODY, T)).toEqual(ok);
  });

  it("rejects a stale or future timestamp; tolerance 0 means 'same second'", async () => {
    const headers = await signWebhook(SECRET, ID, BODY, T);
    const outside = { ok: false, reason: "timestamp_outside_tolerance" };
    expect(await verifyWebhook(SECRET, headers, BODY, T + 301)).toEqual(outside);
    expect(await verifyWebhook(SECRET, headers, BODY, T - 301)).toEqual(outside);
    expect(await verifyWebhook(SECRET, headers, BODY, T + 60, 30)).toEqual(outside);
    expect((await verifyWebhook(SECRET, headers, BODY, T, 0)).ok).toBe(true);
    expect(await verifyWebhook(SECRET, headers, BODY, T + 1, 0)).toEqual(outside);
    await expect(verifyWebhook(SECRET, headers, BODY, T, -1)).rejects.toThrow(RangeError);
  });

  it("rejects a tampered body, another id, a re-dated header and a wrong secret", async () => {
    const headers = await signWebhook(SECRET, ID, BODY, T);
    const mismatch = { ok: false, reason: "signature_mismatch" };
    expect(await verifyWebhook(SECRET, headers, `${BODY} `, T)).toEqual(mismatch);
    expect(await verifyWebhook(SECRET, { ...headers, "webhook-id": "evt_2" }, BODY, T)).toEqual(mismatch);
    const redated = { ...headers, "webhook-timestamp": String(T + 10) };
    expect(await verifyWebhook(SECRET, redated, BODY, T + 10)).toEqual(mismatch);
    expect(await verifyWebhook(newWebhookSecret(), headers, BODY, T)).toEqual(mismatch);
  });

  it("reports missing headers, malformed values and unusable secrets as data; ignores other schemes", async () => {
    const headers = await signWebhook(SECRET, ID, BODY, T);
    const { "webhook-id": _id, ...noId } = headers;
    expect(await verifyWebhook(SECRET, noId, BODY, T)).toEqual({ ok: false, reason: "missing_headers" });
    expect(await verifyWebhook(SECRET, { ...headers, "webhook-timestamp": "1.8e9" }, BODY, T)).toEqual({
      ok: false,
      reason: "malformed_timestamp",
    });
    expect(await verifyWebhook("not-a-secret", headers, BODY, T)).toEqual({
      ok: false,
      reason: "invalid_secret",
    });
    const sig = headers["webhook-signature"];
    const withOthers = {
      ...headers,
      "webhook-signature": `v1a,AAAA v1,zz ${sig.replace("v1,", "v2,")} ${sig}`,
    };
    expect((await verifyWebhook(SECRET, withOthers, BODY, T)).ok).toBe(true);
    const onlyOthers = { ...headers, "webhook-signature": `v1a,${sig.slice(3)} v1,${"A".repeat(43)}=` };
    expect(await verifyWebhook(SECRET, onlyOthers, BODY, T)).toEqual({
      ok: false,
      reason: "signature_mismatch",
    });
  });
});

describe("newWebhookSecret", () => {
  it("is whsec_ + 32 base62 characters: canonical base64 of a 24-byte key the library accepts", async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const s = newWebhookSecret();
      expect(s).toMatch(WEBHOOK_SECRET_PATTERN);
      expect(webhookSecretKey(s)?.length).toBe(24);
      seen.add(s);
    }
    expect(seen.size).toBe(200);
    const secret = [...seen][0]!;
    const headers = await signWebhook(secret, ID, BODY, T);
    expect(verifyWithLibrary(secret, BODY, headers, AT)).toEqual(JSON.parse(BODY));
  });
});
