import { describe, expect, it } from "vitest";
import { detectPaymentRequired, type Offer, type PaymentRequired, priceToBudget } from "../../src/payments";
import { type FixtureName, fixtures } from "./fixtures";

const NOW = Date.parse("2026-11-23T07:10:00.000Z");
const EXPIRES = Date.parse("2026-11-23T07:13:16.286Z");

function detected(name: FixtureName): PaymentRequired {
  const pr = detectPaymentRequired(fixtures[name]);
  if (pr === null) throw new Error(`${name} is not a payment-required fixture`);
  return pr;
}

function offer(overrides: Partial<Offer>): Offer {
  return {
    protocol: "mpp",
    x402Version: null,
    method: "test",
    intent: "charge",
    network: null,
    asset: "usd",
    currency: "USD",
    decimals: 2,
    amount: 100n,
    recipient: "acct",
    realm: "r",
    expiresAt: EXPIRES,
    maxTimeoutSeconds: null,
    offerKey: "k",
    payable: true,
    unpayableReason: null,
    raw: {},
    ...overrides,
  };
}

describe("priceToBudget", () => {
  it("reserves the most expensive priceable offer, ignoring a cheaper one in an unknown method", () => {
    const choice = priceToBudget(detected("mpp-multi-offer"), NOW);
    expect(choice.ok && choice.offer.offerKey).toBe("TempoCharge2-0123456789abcdefghijklmnopqrstu");
    expect(choice.ok && choice.offer.amount).toBe(25000n);
  });

  it("compares across offers of one currency only: the first priceable offer's currency wins", () => {
    const pr: PaymentRequired = {
      source: "mpp-error",
      offers: [
        offer({ offerKey: "usd-small", amount: 5n }),
        offer({ offerKey: "pathusd-huge", currency: "PATHUSD", decimals: 6, amount: 9_000_000n }),
        offer({ offerKey: "usd-big", amount: 7n }),
      ],
      invalid: [],
    };
    const choice = priceToBudget(pr, NOW);
    expect(choice.ok && choice.offer.offerKey).toBe("usd-big");
  });

  it("does not compare amounts with equal currency but different decimals", () => {
    const pr: PaymentRequired = {
      source: "x402-result",
      offers: [
        offer({ offerKey: "six", currency: "USDC", decimals: 6, amount: 10n }),
        offer({ offerKey: "eighteen", currency: "USDC", decimals: 18, amount: 10n ** 15n }),
      ],
      invalid: [],
    };
    const choice = priceToBudget(pr, NOW);
    expect(choice.ok && choice.offer.offerKey).toBe("six");
  });

  it("budgets the first x402 offer when both are USDC at 6 decimals but one costs more", () => {
    const choice = priceToBudget(detected("x402-v2-payment-required"), NOW);
    expect(choice.ok && choice.offer.amount).toBe(20000n);
    expect(choice.ok && choice.offer.network).toBe("eip155:8453");
  });

  it("fails expired when every payable offer expired more than 30 s ago", () => {
    const pr = detected("mpp-expired");
    const expiredAt = Date.parse("2026-11-23T07:00:00.000Z");
    expect(priceToBudget(pr, expiredAt + 29_999).ok).toBe(true);
    expect(priceToBudget(pr, expiredAt + 30_000)).toMatchObject({ ok: false, code: "expired" });
    expect(priceToBudget(pr, NOW)).toMatchObject({ ok: false, code: "expired" });
  });

  it("skips expired offers when a live one exists", () => {
    const pr: PaymentRequired = {
      source: "mpp-error",
      offers: [
        offer({ offerKey: "old", amount: 900n, expiresAt: NOW - 60_000 }),
        offer({ offerKey: "live", amount: 5n }),
      ],
      invalid: [],
    };
    const choice = priceToBudget(pr, NOW);
    expect(choice.ok && choice.offer.offerKey).toBe("live");
  });

  it("fails closed with price_unknown when no payable offer has a known currency", () => {
    const pr: PaymentRequired = {
      source: "mpp-error",
      offers: [offer({ currency: null, decimals: null }), offer({ currency: "USD", decimals: null })],
      invalid: [],
    };
    expect(priceToBudget(pr, NOW)).toMatchObject({ ok: false, code: "price_unknown" });
  });

  it("refuses a session-only challenge with no_payable_offer and says why", () => {
    const choice = priceToBudget(detected("mpp-session"), NOW);
    expect(choice).toMatchObject({ ok: false, code: "no_payable_offer" });
    expect(!choice.ok && choice.message).toMatch(/session intent/);
  });

  it("refuses a challenge whose offers were all invalid", () => {
    const choice = priceToBudget(detected("mpp-bad-amounts"), NOW);
    expect(choice).toMatchObject({ ok: false, code: "no_payable_offer" });
    expect(!choice.ok && choice.message).toMatch(/base-unit integer/);
  });

  it("prices every recorded payment-required shape", () => {
    for (const name of [
      "mpp-challenge",
      "mpp-verification-failed",
      "mpp-result-meta",
      "x402-v1-payment-required",
      "x402-cloudflare-meta-error",
      "x402-text-wrapper",
      "jsonrpc-402",
      "mppx-dual",
    ] as const) {
      expect(priceToBudget(detected(name), NOW).ok, name).toBe(true);
    }
  });
});
