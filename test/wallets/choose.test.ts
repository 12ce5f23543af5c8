// Choosing which alternative payer mode pays: cheapest in the org's quote currency, payable by a wallet
// method, allowed by policy; and when none is, why each offer was left out.
import { describe, expect, it } from "vitest";
import type { Money } from "../../src/money";
import { detectPaymentRequired, type Offer } from "../../src/payments";
import { type ChooseInput, chooseOffer } from "../../src/wallets";

const NOW = Date.parse("2026-11-23T07:10:00.000Z");
const EXPIRES = "2026-11-23T07:15:00.000Z";
const PATHUSD = "0x20c0000000000000000000000000000000000000";
const USDC_SEPOLIA = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
const PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";

function mpp(id: string, method: string, request: Record<string, unknown>, expires = EXPIRES): Offer {
  const message = {
    jsonrpc: "2.0",
    id: 1,
    error: {
      code: -32042,
      message: "Payment Required",
      data: { challenges: [{ id, realm: "r", method, intent: "charge", request, expires }] },
    },
  };
  const offer = detectPaymentRequired(message)?.offers[0];
  if (!offer) throw new Error("no offer");
  return offer;
}

const testOffer = (id: string, amount: string, currency = PATHUSD, expires = EXPIRES) =>
  mpp(id, "test", { amount, currency, recipient: "0x742d35Cc6634C0532925a3b844Bc9e7595f8fE00" }, expires);

function x402(amount: string, scheme = "exact"): Offer {
  const entry = {
    scheme,
    network: "eip155:84532",
    amount,
    asset: USDC_SEPOLIA,
    payTo: PAY_TO,
    maxTimeoutSeconds: 60,
    extra: { name: "USDC", version: "2" },
  };
  const pr = detectPaymentRequired({
    jsonrpc: "2.0",
    id: 1,
    result: { isError: true, structuredContent: { x402Version: 2, accepts: [entry] }, content: [] },
  });
  const offer = pr?.offers[0];
  if (!offer) throw new Error("no offer");
  return offer;
}

const RATES = [
  { from: "PATHUSD", to: "USD", rate: "1" },
  { from: "USDC", to: "USD", rate: "1" },
  { from: "EUR", to: "USD", rate: "1.10" },
];

function input(overrides: Partial<ChooseInput>): ChooseInput {
  return {
    offers: [],
    methods: [
      { id: "pm_test", kind: "mpp-test" },
      { id: "pm_x402", kind: "x402-evm" },
    ],
    now: NOW,
    quoteCurrency: "USD",
    rates: RATES,
    denies: () => null,
    ...overrides,
  };
}

describe("chooseOffer", () => {
  it("picks the cheapest offer across currencies and protocols, converted to the quote currency", () => {
    const offers = [testOffer("a", "500000"), x402("300000"), testOffer("c", "30", "eur")];
    const choice = chooseOffer(input({ offers }));
    // 0.50 PATHUSD, 0.30 USDC, 0.30 EUR = 0.33 USD: the USDC offer through the x402 method.
    expect(choice).toMatchObject({
      ok: true,
      methodId: "pm_x402",
      cost: { value: 30n, currency: "USD", decimals: 2 },
    });
    expect(choice.ok && choice.offer.protocol).toBe("x402");
  });

  it("keeps server order on a tie, and needs no rate for the quote currency itself", () => {
    const tie = chooseOffer(input({ offers: [testOffer("a", "100000"), testOffer("b", "100000")] }));
    expect(tie.ok && tie.offer.offerKey).toBe("a");
    const inUsdc = chooseOffer(input({ quoteCurrency: "USDC", offers: [x402("20000"), x402("10000")] }));
    expect(inUsdc).toMatchObject({ ok: true, cost: { value: 10000n, currency: "USDC", decimals: 6 } });
  });

  it("skips offers the policy denies, passing it the converted cost", () => {
    const seen: Money[] = [];
    const denies = (_: Offer, cost: Money) => {
      seen.push(cost);
      return cost.value > 40n ? null : "below the minimum this test allows";
    };
    const choice = chooseOffer(input({ offers: [testOffer("a", "500000"), x402("300000")], denies }));
    expect(choice.ok && choice.offer.offerKey).toBe("a");
    expect(seen).toEqual([
      { value: 50n, currency: "USD", decimals: 2 },
      { value: 30n, currency: "USD", decimals: 2 },
    ]);
    expect(choice.ok && choice.rejected).toEqual([
      expect.objectContaining({ code: "denied", reason: "below the minimum this test allows" }),
    ]);
  });

  it("says why nothing is payable, offer by offer", () => {
    const offers = [
      testOffer("expired", "1", PATHUSD, "2026-11-23T07:00:00.000Z"),
      testOffer("norate", "100", "gbp"),
      x402("300000", "upto"),
      mpp("evm", "evm", {
        amount: "1",
        currency: USDC_SEPOLIA,
        recipient: PAY_TO,
        methodDetails: { chainId: 84532, credentialTypes: ["authorization"], decimals: 6 },
      }),
      { ...testOffer("unpriced", "1"), currency: null },
    ];
    const choice = chooseOffer(input({ offers }));
    if (choice.ok) throw new Error("expected nothing payable");
    expect(choice.code).toBe("no_payable_offer");
    expect(choice.rejected.map((r) => [r.offerKey.startsWith("{") ? "x402" : r.offerKey, r.code])).toEqual([
      ["expired", "expired"],
      ["norate", "no_rate"],
      ["x402", "no_method"],
      ["evm", "no_method"],
      ["unpriced", "price_unknown"],
    ]);
    expect(choice.rejected[2]?.reason).toContain("Permit2");
    expect(choice.message).toContain("no conversion rate from GBP to USD");
  });

  it("reports an empty wallet and an empty challenge", () => {
    const empty = chooseOffer(input({ methods: [], offers: [testOffer("a", "1")] }));
    expect(!empty.ok && empty.rejected[0]?.reason).toBe("the wallet has no payment methods");
    expect(chooseOffer(input({ offers: [] }))).toMatchObject({
      ok: false,
      message: "the challenge has no offers",
    });
  });
});
