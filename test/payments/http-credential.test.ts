// Request headers for tollgate_fetch: the agent cannot smuggle a payment or steer the connection, and the
// gateway's own credential goes exactly where the offer's protocol says.
import { Challenge, Credential } from "mppx";
import { describe, expect, it } from "vitest";
import {
  checkAgentHeaders,
  credentialHeaderName,
  credentialMismatch,
  detectHttpPaymentRequired,
  type Offer,
  readHttpCredential,
  withCredentialHeader,
} from "../../src/payments";
import { answer, answerOf, b64, mpp402, X402_V1_BODY, X402_V2_REQUIRED } from "./http-fixtures";

async function offers() {
  const mpp = detectHttpPaymentRequired(await answerOf(await mpp402()))!.offers[0]!;
  const auth = detectHttpPaymentRequired(await answerOf(await mpp402({ requiresAuth: true })))!.offers[0]!;
  const v2 = detectHttpPaymentRequired(answer(402, { "payment-required": b64(X402_V2_REQUIRED) }))!
    .offers[0]!;
  const v1 = detectHttpPaymentRequired(answer(402, {}, JSON.stringify(X402_V1_BODY)))!.offers[0]!;
  return { mpp, auth, v2, v1 };
}

describe("which header carries which credential", () => {
  it("MPP: Authorization, or Payment-Authorization when the challenge asks; x402 v1 X-PAYMENT, v2 PAYMENT-SIGNATURE", async () => {
    const o = await offers();
    expect([o.mpp, o.auth, o.v1, o.v2].map(credentialHeaderName)).toEqual([
      "Authorization",
      "Payment-Authorization",
      "X-PAYMENT",
      "PAYMENT-SIGNATURE",
    ]);
  });

  it("sets the credential, replacing a same-named agent header in any case", async () => {
    const { mpp } = await offers();
    const attached = withCredentialHeader(
      [
        ["accept", "application/json"],
        ["AUTHORIZATION", "Bearer own"],
      ],
      mpp,
      { where: "header", name: "Authorization", value: "Payment abc" },
    );
    expect(attached).toEqual({
      ok: true,
      headers: [
        ["accept", "application/json"],
        ["Authorization", "Payment abc"],
      ],
    });
  });

  it("refuses a credential meant for another header, or one that is not a header value", async () => {
    const { v2 } = await offers();
    const wrong = withCredentialHeader([], v2, { where: "header", name: "X-PAYMENT", value: "e30=" });
    expect(wrong).toMatchObject({ ok: false, reason: "credential_header" });
    const crlf = withCredentialHeader([], v2, {
      where: "header",
      name: "PAYMENT-SIGNATURE",
      value: "a\r\nb: c",
    });
    expect(crlf).toMatchObject({ ok: false, reason: "malformed_header" });
    const meta = withCredentialHeader([], v2, { where: "params._meta", value: {} });
    expect(meta).toMatchObject({ ok: false, reason: "malformed_header" });
  });
});

describe("the agent's own request headers", () => {
  it("passes ordinary headers, its own bearer token and cookies", () => {
    const headers = {
      accept: "application/json",
      authorization: "Bearer sk-1",
      cookie: "a=b",
      "x-api-key": "k",
    };
    expect(checkAgentHeaders(headers)).toEqual({ ok: true, headers: Object.entries(headers) });
  });

  it.each([
    ["Authorization", "Payment eyJjaGFsbGVuZ2UiOnt9fQ"],
    ["authorization", "Bearer x, payment eyJ9"],
    ["Payment-Authorization", "Payment eyJ9"],
    ["X-PAYMENT", "e30="],
    ["payment-signature", "e30="],
    ["Payment-Session", "x"],
    ["X-PAYMENT-RESPONSE", "e30="],
  ])("refuses %s as a smuggled credential", (name, value) => {
    expect(checkAgentHeaders({ [name]: value })).toMatchObject({
      ok: false,
      reason: "credential_header",
      name,
    });
  });

  it.each([
    "Host",
    "content-length",
    "Connection",
    "Transfer-Encoding",
    "TE",
    "Upgrade",
    "Proxy-Authorization",
    "CF-Connecting-IP",
    "X-Forwarded-For",
    "Forwarded",
  ])("refuses %s as the connection's", (name) => {
    expect(checkAgentHeaders({ [name]: "x" })).toMatchObject({ ok: false, reason: "forbidden_header" });
  });

  it("refuses malformed names and values, repeats and bulk", () => {
    expect(checkAgentHeaders([["bad name", "x"]])).toMatchObject({ reason: "malformed_header" });
    expect(checkAgentHeaders({ a: "x\r\nHost: evil" })).toMatchObject({ reason: "malformed_header" });
    expect(
      checkAgentHeaders([
        ["Accept", "a"],
        ["accept", "b"],
      ]),
    ).toMatchObject({ reason: "malformed_header" });
    const many = Array.from({ length: 65 }, (_, i): [string, string] => [`x-h${i}`, "v"]);
    expect(checkAgentHeaders(many)).toMatchObject({ reason: "malformed_header" });
    expect(checkAgentHeaders({ a: "v".repeat(17 * 1024) })).toMatchObject({ reason: "malformed_header" });
  });
});

describe("reading the credential a request carries", () => {
  it("counts every credential header and parses the only one", async () => {
    const { v2 } = await offers();
    const payload = { x402Version: 2, accepted: v2.raw, payload: { signature: "0x", authorization: {} } };
    const one = readHttpCredential(new Headers({ "payment-signature": b64(payload) }));
    expect(one.count).toBe(1);
    expect(one.credential).toMatchObject({ protocol: "x402", x402Version: 2, offerKey: v2.offerKey });
    const two = readHttpCredential(new Headers({ "payment-signature": b64(payload), "x-payment": "e30=" }));
    expect(two).toEqual({ count: 2, credential: null });
    const bearer = readHttpCredential(new Headers({ authorization: "Bearer x" }));
    expect(bearer).toEqual({ count: 0, credential: null });
  });

  it("reads an MPP credential back to the challenge it echoes", async () => {
    const { mpp } = await offers();
    const challenge = Challenge.Schema.parse(mpp.raw);
    const value = Credential.serialize(Credential.from({ challenge, payload: { token: "ok" } }));
    const read = readHttpCredential(new Headers({ authorization: value }));
    expect(read.count).toBe(1);
    expect(read.credential).toMatchObject({ protocol: "mpp", challengeId: (mpp as Offer).offerKey });
    expect(credentialMismatch(read.credential!, mpp)).toBeNull();
  });
});
