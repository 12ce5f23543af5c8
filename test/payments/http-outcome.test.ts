// classifyHttpPaidResponse: what a paid HTTP retry's answer proves, with the MCP outcome kinds. MPP
// receipts and refusals come from mppx's own server; x402 ones are in the reference's wire form.
import { Challenge, Credential } from "mppx";
import { describe, expect, it } from "vitest";
import { classifyHttpPaidResponse, type PaidOutcome } from "../../src/payments";
import { answer, answerOf, b64, mpp402, mppPaid, X402_V1_BODY, X402_V2_REQUIRED } from "./http-fixtures";

async function credentialFor(token: string, requiresAuth = false): Promise<string> {
  const response = await mpp402({ requiresAuth });
  const challenge = Challenge.fromResponse(response);
  return Credential.serialize(Credential.from({ challenge, payload: { token } }));
}

const settle = (extra: Record<string, unknown> = {}) =>
  b64({
    success: true,
    transaction: `0x${"ab".repeat(32)}`,
    network: "eip155:84532",
    payer: "0x1",
    ...extra,
  });

describe("MPP receipts and refusals from mppx", () => {
  it("a paid request: 200 + Payment-Receipt (base64url) is a receipt with its reference", async () => {
    const paid = await mppPaid({ authorization: await credentialFor("ok") });
    expect(paid.status).toBe(200);
    expect(paid.headers.get("payment-receipt")).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(classifyHttpPaidResponse(await answerOf(paid))).toEqual({
      kind: "receipt",
      reference: "ref-test",
      challengeId: null,
      settledAmount: null,
    });
  });

  it("requiresAuth: the credential in Payment-Authorization is paid too", async () => {
    const headers = { "payment-authorization": await credentialFor("ok", true), authorization: "Bearer own" };
    const paid = await mppPaid(headers, true);
    expect(classifyHttpPaidResponse(await answerOf(paid)).kind).toBe("receipt");
  });

  it("a failed proof: 402 with a fresh challenge is refused", async () => {
    const refused = await mppPaid({ authorization: await credentialFor("bad") });
    expect(refused.status).toBe(402);
    expect(classifyHttpPaidResponse(await answerOf(refused))).toEqual({
      kind: "refused",
      reason: "server asked for payment again (402 with a fresh challenge)",
    });
  });

  it("a 401 carrying a fresh Payment challenge is refused too", async () => {
    const fresh = await mpp402();
    expect(classifyHttpPaidResponse(answer(401, fresh.headers)).kind).toBe("refused");
  });
});

describe("x402 settle responses", () => {
  it("v2 PAYMENT-RESPONSE success: a receipt with the transaction, and the settled amount when sent", () => {
    expect(
      classifyHttpPaidResponse(answer(200, { "payment-response": settle({ amount: "20000" }) })),
    ).toEqual({
      kind: "receipt",
      reference: `0x${"ab".repeat(32)}`,
      challengeId: null,
      settledAmount: 20000n,
    });
  });

  it("v1 X-PAYMENT-RESPONSE success: a receipt without an amount", () => {
    const outcome = classifyHttpPaidResponse(answer(200, { "x-payment-response": settle() }));
    expect(outcome).toMatchObject({ kind: "receipt", settledAmount: null });
  });

  it("402 + success:false is refused, naming the error reason; a v1 body again is refused", () => {
    const failed = b64({
      success: false,
      errorReason: "invalid_exact_evm_payload_signature",
      transaction: "",
    });
    const v2 = answer(402, { "payment-response": failed, "payment-required": b64(X402_V2_REQUIRED) });
    expect(classifyHttpPaidResponse(v2)).toEqual({
      kind: "refused",
      reason: "x402 settlement failed (invalid_exact_evm_payload_signature)",
    });
    expect(classifyHttpPaidResponse(answer(402, {}, JSON.stringify(X402_V1_BODY))).kind).toBe("refused");
  });
});

describe("answers that prove nothing keep the money reserved", () => {
  const cases: [string, Parameters<typeof answer>, PaidOutcome["kind"]][] = [
    ["2xx without a receipt", [200, {}, "{}"], "unpaid_success"],
    ["2xx with an unreadable receipt", [200, { "payment-receipt": "%%" }], "maybe_paid"],
    ["2xx with success:false", [200, { "payment-response": b64({ success: false }) }], "maybe_paid"],
    [
      "2xx with an MPP receipt not successful",
      [200, { "payment-receipt": b64({ status: "failed" }) }],
      "maybe_paid",
    ],
    ["a 402 without any challenge", [402, {}, "no"], "maybe_paid"],
    ["a 401 without a challenge", [401, { "www-authenticate": 'Bearer realm="x"' }], "maybe_paid"],
    ["403: payment valid, access denied", [403, {}], "maybe_paid"],
    ["a 500", [500, {}, "boom"], "maybe_paid"],
    ["a 502", [502, {}], "maybe_paid"],
    ["a redirect", [302, { location: "/x" }], "maybe_paid"],
    [
      "a 400 Payment problem (malformed credential, unsupported method)",
      [400, {}, JSON.stringify({ type: "https://paymentauth.org/problems/method-unsupported", status: 400 })],
      "refused",
    ],
    ["a 400 of some other kind", [400, {}, JSON.stringify({ type: "about:blank" })], "maybe_paid"],
  ];
  for (const [name, args, kind] of cases) {
    it(`${name} -> ${kind}`, () => {
      expect(classifyHttpPaidResponse(answer(...args)).kind).toBe(kind);
    });
  }
});
