// detectHttpPaymentRequired over real mppx HTTP 402s and x402 v1/v2 in the reference's wire form: the
// challenge objects must be the ones mppx itself deserializes, so offers, budgets and credentials agree.
import { Challenge } from "mppx";
import { describe, expect, it } from "vitest";
import {
  detectHttpPaymentRequired,
  parseAuthChallenges,
  paymentChallengeObject,
  priceToBudget,
} from "../../src/payments";
import {
  answer,
  answerOf,
  b64,
  mpp402,
  PATHUSD,
  PAY_TO,
  RECIPIENT,
  X402_V1_BODY,
  X402_V2_REQUIRED,
} from "./http-fixtures";

const NOW = Date.now();

function b64url(value: unknown): string {
  return b64(value).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const REQUEST = b64url({ amount: "10000", currency: PATHUSD, recipient: RECIPIENT });
const EXPIRES = "2099-01-01T00:00:00.000Z";
const challenge = (extra = "", id = "abc") =>
  `Payment id="${id}", realm="api.example", method="test", intent="charge", request="${REQUEST}", expires="${EXPIRES}"${extra}`;

describe("MPP over HTTP: WWW-Authenticate: Payment", () => {
  it("reads mppx's own 402 into the challenge object mppx deserializes, and prices it", async () => {
    const response = await mpp402();
    const header = response.headers.get("WWW-Authenticate")!;
    const pr = detectHttpPaymentRequired(await answerOf(response));
    expect(pr?.source).toBe("http-mpp");
    expect(pr?.invalid).toEqual([]);
    const offer = pr!.offers[0]!;
    expect(offer.raw).toEqual(Challenge.deserialize(header));
    expect(offer).toMatchObject({
      protocol: "mpp",
      method: "test",
      intent: "charge",
      amount: 400000n,
      currency: "PATHUSD",
      decimals: 6,
      recipient: RECIPIENT,
      realm: "api.example",
      payable: true,
    });
    expect(offer.offerKey).toBe(Challenge.deserialize(header).id);
    // mppx escapes characters above Latin-1 as \uXXXX; the description comes back as written.
    expect((offer.raw as { description: string }).description).toBe("Market report — “Q3”");
    expect(priceToBudget(pr!, NOW)).toEqual({ ok: true, offer });
  });

  it("reads two challenges sent as two WWW-Authenticate headers (joined by Headers.get)", async () => {
    const response = await mpp402({ either: true });
    const pr = detectHttpPaymentRequired(await answerOf(response));
    expect(pr?.offers.map((o) => [o.method, o.amount])).toEqual([
      ["test", 400000n],
      ["othermethod", 1200000n],
    ]);
    const joined = response.headers.get("WWW-Authenticate")!;
    expect(pr?.offers.map((o) => o.raw)).toEqual(Challenge.deserializeList(joined));
  });

  it("keeps the requiresAuth header param, which decides where the credential goes", async () => {
    const pr = detectHttpPaymentRequired(await answerOf(await mpp402({ requiresAuth: true })));
    expect((pr!.offers[0]!.raw as { header?: string }).header).toBe("Payment-Authorization");
  });

  it("reads several challenges in one value, between other schemes", () => {
    const value = `Bearer realm="x", error="invalid_token", ${challenge("", "one")}, Basic dXNlcjpwdw==, ${challenge("", "two")}`;
    const pr = detectHttpPaymentRequired(answer(402, { "www-authenticate": value }));
    expect(pr?.offers.map((o) => o.offerKey)).toEqual(["one", "two"]);
    expect(pr?.invalid).toEqual([]);
  });

  it("takes case-insensitive names, token values and quoted commas, quotes and escapes", () => {
    const value = `payment ID=tok1, Realm="a, \\"b\\"", METHOD=test, intent="charge", request="${REQUEST}", expires="${EXPIRES}", unknown="ignored"`;
    const [parsed] = parseAuthChallenges(value);
    const object = paymentChallengeObject(parsed!);
    expect(object).toEqual({
      id: "tok1",
      realm: 'a, "b"',
      method: "test",
      intent: "charge",
      request: { amount: "10000", currency: PATHUSD, recipient: RECIPIENT },
      expires: EXPIRES,
    });
  });

  it("refuses a challenge with a repeated parameter, keeping its well-formed neighbour", () => {
    const value = `${challenge(', id="again"', "dup")}, ${challenge("", "ok")}`;
    const pr = detectHttpPaymentRequired(answer(402, { "www-authenticate": value }));
    expect(pr?.offers.map((o) => o.offerKey)).toEqual(["ok"]);
    expect(pr?.invalid).toEqual(['mpp challenge 0: parameter "id" appears twice']);
  });

  it.each([
    ["a padded request", `request="${REQUEST}=="`, "request is not base64url without padding"],
    [
      "a non-canonical request",
      `request="${b64url({ recipient: RECIPIENT, currency: PATHUSD, amount: "1" })}"`,
      "request is not canonical (JCS) JSON",
    ],
    ["a request that is not JSON", `request="bm90IGpzb24"`, "request is not base64url of a JSON object"],
    ["an oversized request", `request="${"A".repeat(16 * 1024 + 1)}"`, "request is longer than 16 KiB"],
    ["an uppercase method", `method="Test"`, "method is not lowercase ASCII"],
    [
      "a credential header the draft does not know",
      `header="Cookie"`,
      "header names a field other than Authorization or Payment-Authorization",
    ],
  ])("refuses %s", (_name, param, reason) => {
    const key = param.split("=")[0]!;
    const base = `Payment id="x", realm="api.example", method="test", intent="charge", request="${REQUEST}", expires="${EXPIRES}"`;
    const value = base.includes(`${key}=`)
      ? base.replace(new RegExp(`${key}="[^"]*"`), param)
      : `${base}, ${param}`;
    const pr = detectHttpPaymentRequired(answer(402, { "www-authenticate": value }));
    expect(pr?.offers).toEqual([]);
    expect(pr?.invalid).toEqual([`mpp challenge 0: ${reason}`]);
  });

  it("marks a challenge without expires unpayable (clients must not pay it)", () => {
    const value = `Payment id="x", realm="r", method="test", intent="charge", request="${REQUEST}"`;
    const pr = detectHttpPaymentRequired(answer(402, { "www-authenticate": value }));
    expect(pr?.offers[0]?.payable).toBe(false);
  });

  it("survives an unterminated quoted string without throwing", () => {
    const pr = detectHttpPaymentRequired(answer(402, { "www-authenticate": 'Payment id="abc' }));
    expect(pr?.offers).toEqual([]);
    expect(pr?.invalid.length).toBe(1);
  });
});

describe("x402 over HTTP", () => {
  it("v2: reads PAYMENT-REQUIRED (standard base64) and keeps the resource to echo", () => {
    const pr = detectHttpPaymentRequired(answer(402, { "payment-required": b64(X402_V2_REQUIRED) }, "{}"));
    expect(pr?.source).toBe("http-x402-v2");
    expect(pr?.x402Resource).toEqual(X402_V2_REQUIRED.resource);
    expect(pr?.offers[0]).toMatchObject({
      protocol: "x402",
      x402Version: 2,
      method: "exact",
      network: "eip155:84532",
      amount: 10000n,
      currency: "USDC",
      decimals: 6,
      recipient: PAY_TO,
      maxTimeoutSeconds: 60,
    });
    expect(pr?.offers[0]?.raw).toEqual(X402_V2_REQUIRED.accepts[0]);
  });

  it("v1: reads the JSON body, with maxAmountRequired and the network name", () => {
    const pr = detectHttpPaymentRequired(
      answer(402, { "content-type": "application/json" }, JSON.stringify(X402_V1_BODY)),
    );
    expect(pr?.source).toBe("http-x402-v1");
    expect(pr?.x402Resource).toBeNull();
    expect(pr?.offers[0]).toMatchObject({
      x402Version: 1,
      amount: 10000n,
      network: "base-sepolia",
      currency: "USDC",
    });
  });

  it("v2 header wins over a v1 body; a v2-looking body alone is not a signal", () => {
    const both = answer(402, { "payment-required": b64(X402_V2_REQUIRED) }, JSON.stringify(X402_V1_BODY));
    expect(detectHttpPaymentRequired(both)?.source).toBe("http-x402-v2");
    const bodyOnly = answer(402, {}, JSON.stringify(X402_V2_REQUIRED));
    expect(detectHttpPaymentRequired(bodyOnly)?.source).toBe("http-unrecognized");
  });

  it("an unreadable PAYMENT-REQUIRED is said so, and a v1 body is still read", () => {
    const pr = detectHttpPaymentRequired(
      answer(402, { "payment-required": "%%%" }, JSON.stringify(X402_V1_BODY)),
    );
    expect(pr?.source).toBe("http-x402-v1");
    expect(pr?.offers).toHaveLength(1);
    expect(pr?.invalid).toEqual(["x402 v2: PAYMENT-REQUIRED is not base64 of a JSON object"]);
  });
});

describe("what is and is not a payment request", () => {
  it("MPP and x402 in one 402 are alternatives for one payment (dual)", async () => {
    const mpp = await mpp402();
    const headers = new Headers(mpp.headers);
    headers.set("payment-required", b64(X402_V2_REQUIRED));
    const pr = detectHttpPaymentRequired(answer(402, headers));
    expect(pr?.source).toBe("http-dual");
    expect(pr?.offers.map((o) => o.protocol)).toEqual(["mpp", "x402"]);
  });

  it("a 402 with neither is price unknown: no offers, and budgeting refuses", () => {
    const pr = detectHttpPaymentRequired(answer(402, { "www-authenticate": 'Bearer realm="x"' }, "pay us"));
    expect(pr?.source).toBe("http-unrecognized");
    expect(pr?.offers).toEqual([]);
    expect(priceToBudget(pr!, NOW).ok).toBe(false);
  });

  it.each([200, 401, 403, 500])("HTTP %i is not a payment request, whatever it carries", (status) => {
    const headers = { "www-authenticate": challenge(), "payment-required": b64(X402_V2_REQUIRED) };
    expect(detectHttpPaymentRequired(answer(status, headers, JSON.stringify(X402_V1_BODY)))).toBeNull();
  });
});
