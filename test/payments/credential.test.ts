import { describe, expect, it } from "vitest";
import {
  type Credential,
  credentialMatchesOffer,
  detectPaymentRequired,
  extractCredential,
  hasPaymentCredential,
  type Offer,
} from "../../src/payments";
import { type FixtureName, fixtures } from "./fixtures";

function offers(name: FixtureName): Offer[] {
  return detectPaymentRequired(fixtures[name])?.offers ?? [];
}

function credential(name: FixtureName): Credential {
  const found = extractCredential(fixtures[name]);
  if (found === null) throw new Error(`${name} carries no credential`);
  return found;
}

function withMeta(meta: Record<string, unknown>): unknown {
  return { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "t", arguments: {}, _meta: meta } };
}

describe("extractCredential", () => {
  it("reads an MPP credential from params._meta and exposes only the echoed challenge", () => {
    const found = credential("mpp-credential");
    expect(found).toMatchObject({
      protocol: "mpp",
      challengeId: "6RVqWNZHkq3cX5Yt8sJ0pLmA2bC4dE6fG8hI0jK2lM4",
    });
    expect(JSON.stringify(found)).not.toContain("token");
  });

  it("reads an MPP credential from root _meta for generic JSON-RPC", () => {
    expect(credential("mpp-credential-root-meta")).toMatchObject({ protocol: "mpp" });
  });

  it("reads an x402 v2 payment object", () => {
    expect(credential("x402-v2-credential")).toMatchObject({
      protocol: "x402",
      x402Version: 2,
      authorizedAmount: 10000n,
      payTo: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
      scheme: "exact",
      network: "eip155:84532",
    });
  });

  it("keeps only the requirement's own terms of an x402 echo, never a payload planted in it", () => {
    // Found by the property test: an `accepted` echo carrying a signature travelled on with the credential.
    const found = extractCredential({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: {
        name: "t",
        _meta: {
          "x402/payment": {
            x402Version: 2,
            accepted: {
              scheme: "exact",
              network: "eip155:84532",
              "": [{ payload: { signature: "SECRET" } }],
            },
            payload: { signature: "0xab", authorization: { from: "0x1", to: "0x2", value: "1" } },
          },
        },
      },
    });
    expect(found?.protocol).toBe("x402");
    expect(JSON.stringify(found?.protocol === "x402" ? found.accepted : null)).not.toContain("SECRET");
  });

  it("reads the Cloudflare base64 string form", () => {
    expect(credential("x402-v2-credential-base64")).toMatchObject({
      protocol: "x402",
      authorizedAmount: 50000n,
    });
  });

  it("reads a base64url string form too", () => {
    const payload = JSON.stringify({
      x402Version: 2,
      accepted: { scheme: "exact" },
      payload: { note: "ü?>" },
    });
    const standard = btoa(String.fromCharCode(...new TextEncoder().encode(payload)));
    const url = standard.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    expect(standard).not.toBe(url);
    expect(extractCredential(withMeta({ "x402/payment": url }))).toMatchObject({
      protocol: "x402",
      x402Version: 2,
    });
    expect(extractCredential(withMeta({ "x402/payment": standard }))).toMatchObject({ protocol: "x402" });
  });

  it("reads a v1 payload, which has no accepted echo, keyed by what it carries (scheme, network, to)", () => {
    expect(credential("x402-v1-credential")).toMatchObject({
      protocol: "x402",
      x402Version: 1,
      offerKey: "x402v1|exact|base-sepolia|0x209693bc6afc0c5328ba36faf03c514ef312287c",
      accepted: null,
      scheme: "exact",
      network: "base-sepolia",
    });
  });

  it("returns null for no credential and for unparseable ones, which hasPaymentCredential still reports", () => {
    expect(extractCredential(fixtures["mpp-challenge"])).toBeNull();
    const garbage = withMeta({ "org.paymentauth/credential": { challenge: "nope" }, "x402/payment": "%%%" });
    expect(extractCredential(garbage)).toBeNull();
    expect(hasPaymentCredential(garbage)).toBe(true);
    expect(hasPaymentCredential(withMeta({}))).toBe(false);
  });

  it("accepts the HTTP-form MPP credential with a base64url request", () => {
    const request = btoa(JSON.stringify({ amount: "1", currency: "usd", recipient: "acct_fake" })).replace(
      /=+$/,
      "",
    );
    const challenge = {
      id: "abc",
      realm: "r",
      method: "test",
      intent: "charge",
      request,
      expires: "2026-11-23T07:13:16Z",
    };
    const header = `Payment ${btoa(JSON.stringify({ challenge, payload: { token: "ok" } })).replace(/=+$/, "")}`;
    const found = extractCredential(withMeta({ "org.paymentauth/credential": header }));
    expect(found).toMatchObject({
      protocol: "mpp",
      challengeId: "abc",
      challenge: { request: { amount: "1" } },
    });
  });
});

describe("credentialMatchesOffer", () => {
  it("matches the MPP credential to the challenge it echoes", () => {
    const [offer] = offers("mpp-challenge");
    expect(offer && credentialMatchesOffer(credential("mpp-credential"), offer)).toBe(true);
  });

  it("rejects an MPP credential whose echoed request was tampered with", () => {
    const tampered = structuredClone(fixtures["mpp-credential"]) as {
      params: { _meta: { "org.paymentauth/credential": { challenge: { request: { amount: string } } } } };
    };
    tampered.params._meta["org.paymentauth/credential"].challenge.request.amount = "0";
    const found = extractCredential(tampered);
    const [offer] = offers("mpp-challenge");
    expect(found && offer && credentialMatchesOffer(found, offer)).toBe(false);
  });

  it("rejects an MPP credential for a different challenge id", () => {
    const [offer] = offers("mpp-verification-failed");
    expect(offer && credentialMatchesOffer(credential("mpp-credential"), offer)).toBe(false);
  });

  it("matches x402 v2 by the accepted entry, only against that entry", () => {
    const [first, second] = offers("x402-v2-payment-required");
    const found = credential("x402-v2-credential");
    expect(first && credentialMatchesOffer(found, first)).toBe(true);
    expect(second && credentialMatchesOffer(found, second)).toBe(false);
  });

  it("rejects x402 v2 when the authorization pays less or someone else", () => {
    const [offer] = offers("x402-v2-text-only");
    const base = credential("x402-v2-credential");
    if (!offer || base.protocol !== "x402") throw new Error("fixture");
    expect(credentialMatchesOffer({ ...base, authorizedAmount: 9999n }, offer)).toBe(false);
    expect(
      credentialMatchesOffer({ ...base, payTo: "0x0000000000000000000000000000000000000001" }, offer),
    ).toBe(false);
    expect(credentialMatchesOffer({ ...base, payTo: base.payTo?.toLowerCase() ?? null }, offer)).toBe(true);
  });

  it("matches the Cloudflare base64 credential to its _meta x402/error offer", () => {
    const [offer] = offers("x402-cloudflare-meta-error");
    expect(offer && credentialMatchesOffer(credential("x402-v2-credential-base64"), offer)).toBe(true);
  });

  it("matches x402 v1 on scheme, network, recipient and amount", () => {
    const [offer] = offers("x402-v1-payment-required");
    const found = credential("x402-v1-credential");
    if (!offer || found.protocol !== "x402") throw new Error("fixture");
    expect(credentialMatchesOffer(found, offer)).toBe(true);
    expect(credentialMatchesOffer({ ...found, network: "base" }, offer)).toBe(false);
    expect(credentialMatchesOffer({ ...found, authorizedAmount: 10001n }, offer)).toBe(false);
    expect(credentialMatchesOffer({ ...found, authorizedAmount: null, payTo: null }, offer)).toBe(false);
  });

  it("never matches across protocols or x402 versions", () => {
    const [mppOffer, x402Offer] = offers("mppx-dual");
    const [v2Offer] = offers("x402-v2-text-only");
    expect(mppOffer && credentialMatchesOffer(credential("x402-v2-credential"), mppOffer)).toBe(false);
    expect(x402Offer && credentialMatchesOffer(credential("x402-v2-credential"), x402Offer)).toBe(true);
    expect(x402Offer && credentialMatchesOffer(credential("mpp-credential"), x402Offer)).toBe(false);
    expect(v2Offer && credentialMatchesOffer(credential("x402-v1-credential"), v2Offer)).toBe(false);
  });
});
