import { describe, expect, it } from "vitest";
import { detectPaymentRequired, type Offer } from "../../src/payments";
import { type FixtureName, fixtures } from "./fixtures";

type Summary = Pick<
  Offer,
  "protocol" | "method" | "intent" | "network" | "currency" | "decimals" | "payable"
> & {
  amount: string;
};
const summarize = (offer: Offer): Summary => ({
  protocol: offer.protocol,
  method: offer.method,
  intent: offer.intent,
  network: offer.network,
  currency: offer.currency,
  decimals: offer.decimals,
  amount: offer.amount.toString(),
  payable: offer.payable,
});

const testUsd1: Summary = {
  protocol: "mpp",
  method: "test",
  intent: "charge",
  network: null,
  currency: "USD",
  decimals: 2,
  amount: "1",
  payable: true,
};
const x402 = (network: string, amount: string): Summary => ({
  protocol: "x402",
  method: "exact",
  intent: "exact",
  network,
  currency: "USDC",
  decimals: 6,
  amount,
  payable: true,
});
const tempoCharge = (amount: string): Summary => ({
  protocol: "mpp",
  method: "tempo",
  intent: "charge",
  network: "eip155:42431",
  currency: "PATHUSD",
  decimals: 6,
  amount,
  payable: true,
});

type Case = { source: string; offers: Summary[]; invalid?: number } | null;
const cases: Record<FixtureName, Case> = {
  "mpp-challenge": { source: "mpp-error", offers: [testUsd1] },
  "mpp-verification-failed": { source: "mpp-verification-failed", offers: [testUsd1] },
  "mpp-result-meta": { source: "mpp-result-meta", offers: [testUsd1] },
  "mpp-expired": { source: "mpp-error", offers: [testUsd1] },
  "mpp-multi-offer": {
    source: "mpp-error",
    offers: [
      tempoCharge("10000"),
      { ...tempoCharge("1"), method: "solana", network: null, currency: null, decimals: null },
      tempoCharge("25000"),
      { ...testUsd1, method: "stripe", amount: "3" },
    ],
  },
  "mpp-session": {
    source: "mpp-error",
    offers: [{ ...tempoCharge("100"), intent: "session", network: "eip155:4217", payable: false }],
  },
  "mpp-bad-amounts": { source: "mpp-error", offers: [], invalid: 4 },
  "x402-v1-payment-required": { source: "x402-result", offers: [x402("base-sepolia", "10000")] },
  "x402-v2-payment-required": {
    source: "x402-result",
    offers: [x402("eip155:84532", "10000"), x402("eip155:8453", "20000")],
  },
  "x402-v2-text-only": { source: "x402-result", offers: [x402("eip155:84532", "10000")] },
  "x402-cloudflare-meta-error": { source: "x402-result-meta", offers: [x402("eip155:8453", "50000")] },
  "x402-text-wrapper": { source: "x402-text-wrapper", offers: [x402("eip155:84532", "10000")] },
  "jsonrpc-402": { source: "jsonrpc-402", offers: [x402("eip155:84532", "10000")] },
  "mppx-dual": {
    source: "mpp-dual",
    offers: [
      { ...x402("eip155:84532", "10000"), protocol: "mpp", method: "evm", intent: "charge" },
      x402("eip155:84532", "10000"),
    ],
  },
  // Same code as an MPP challenge, but MCP URL elicitation: passing it on is not a payment.
  "elicitation-32042": null,
  "mcp-sdk-32043-text": null,
  "mpp-receipt": null,
  "mpp-credential": null,
  "mpp-credential-root-meta": null,
  "mpp-invalid-params": null,
  "internal-error": null,
  "tool-error": null,
  "unpaid-success": null,
  "x402-payment-response": null,
  "x402-v1-credential": null,
  "x402-v2-credential": null,
  "x402-v2-credential-base64": null,
};

describe("detectPaymentRequired over recorded messages", () => {
  for (const [name, expected] of Object.entries(cases) as [FixtureName, Case][]) {
    it(`${name} -> ${expected === null ? "not a payment" : expected.source}`, () => {
      const detected = detectPaymentRequired(fixtures[name]);
      if (expected === null) {
        expect(detected).toBeNull();
        return;
      }
      expect(detected?.source).toBe(expected.source);
      expect(detected?.offers.map(summarize)).toEqual(expected.offers);
      expect(detected?.invalid).toHaveLength(expected.invalid ?? 0);
    });
  }
});

describe("offer details", () => {
  it("keys MPP offers by challenge id and keeps realm, recipient and absolute expiry", () => {
    const [offer] = detectPaymentRequired(fixtures["mpp-challenge"])?.offers ?? [];
    expect(offer).toMatchObject({
      offerKey: "6RVqWNZHkq3cX5Yt8sJ0pLmA2bC4dE6fG8hI0jK2lM4",
      realm: "fake.local",
      recipient: "acct_fake",
      asset: "usd",
      expiresAt: Date.parse("2026-11-23T07:13:16.286Z"),
      maxTimeoutSeconds: null,
      x402Version: null,
    });
  });

  it("keys x402 v2 offers by the JCS of the accepts entry and v1 offers by scheme|network|payTo (what a v1 credential carries)", () => {
    const v2 = detectPaymentRequired(fixtures["x402-v2-text-only"])?.offers[0];
    expect(v2?.offerKey).toBe(
      '{"amount":"10000","asset":"0x036CbD53842c5426634e7929541eC2318f3dCF7e","extra":{"name":"USDC","version":"2"},' +
        '"maxTimeoutSeconds":60,"network":"eip155:84532","payTo":"0x209693Bc6afc0C5328bA36FaF03C514EF312287C","scheme":"exact"}',
    );
    expect(v2).toMatchObject({ x402Version: 2, maxTimeoutSeconds: 60, expiresAt: null });
    expect(v2?.asset).toBe("0x036cbd53842c5426634e7929541ec2318f3dcf7e");
    const v1 = detectPaymentRequired(fixtures["x402-v1-payment-required"])?.offers[0];
    expect(v1?.offerKey).toBe("x402v1|exact|base-sepolia|0x209693bc6afc0c5328ba36faf03c514ef312287c");
    expect(v1?.x402Version).toBe(1);
  });

  it("explains why a session offer cannot be budgeted", () => {
    const [offer] = detectPaymentRequired(fixtures["mpp-session"])?.offers ?? [];
    expect(offer?.unpayableReason).toMatch(/per-unit/);
  });

  it("names the bad field for each invalid challenge without echoing values", () => {
    const detected = detectPaymentRequired(fixtures["mpp-bad-amounts"]);
    expect(detected?.invalid).toEqual([
      "mpp challenge 0: request.amount is not a base-unit integer string",
      "mpp challenge 1: request.amount is not a base-unit integer string",
      "mpp challenge 2: request.amount is not a base-unit integer string",
      "mpp challenge 3: not a challenge (id, method, intent and request object are required)",
    ]);
  });

  it("treats an MPP challenge without expires as unpayable (clients must not pay it)", () => {
    const { expires: _drop, ...challenge } = { ...challengeOf("mpp-challenge") };
    const detected = detectPaymentRequired(errorWith(-32042, { challenges: [challenge] }));
    expect(detected?.offers[0]).toMatchObject({ payable: false, expiresAt: null });
    expect(detected?.offers[0]?.unpayableReason).toMatch(/expires/);
  });

  it("prices an x402 result only when it is a tool error", () => {
    const message = structuredClone(fixtures["x402-v2-payment-required"]) as {
      result: Record<string, unknown>;
    };
    message.result.isError = false;
    expect(detectPaymentRequired(message)).toBeNull();
  });

  it("still signals payment (with no offers) for an empty challenges array, so the caller fails closed", () => {
    expect(detectPaymentRequired(errorWith(-32042, { challenges: [] }))).toEqual({
      source: "mpp-error",
      offers: [],
      invalid: ["mpp: challenges array is empty"],
    });
  });

  it("distrusts evm decimals that contradict the asset table", () => {
    const dual = structuredClone(fixtures["mppx-dual"]) as {
      error: { data: { challenges: { request: { methodDetails: { decimals: number } } }[] } };
    };
    const first = dual.error.data.challenges[0];
    if (first) first.request.methodDetails.decimals = 18;
    const offer = detectPaymentRequired(dual)?.offers[0];
    expect(offer).toMatchObject({ currency: null, decimals: null });
  });
});

function challengeOf(name: FixtureName): Record<string, unknown> {
  const message = fixtures[name] as { error: { data: { challenges: Record<string, unknown>[] } } };
  return message.error.data.challenges[0] ?? {};
}

function errorWith(code: number, data: unknown): unknown {
  return { jsonrpc: "2.0", id: 1, error: { code, message: "Payment Required", data } };
}
