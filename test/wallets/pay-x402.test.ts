// Payer mode answering x402 requirements: the EIP-3009 signature verifies with viem, and the credential
// passes the gateway's own credentialMismatch against the offer's stored terms (the check the gateway runs).
import { getAddress, type Hex, verifyTypedData } from "viem";
import { describe, expect, it } from "vitest";
import {
  credentialMismatch,
  decodeBase64Json,
  detectPaymentRequired,
  extractCredential,
  type Offer,
  offerTerms,
  parseOfferTerms,
} from "../../src/payments";
import { addressOf, type PayResult, payOffer } from "../../src/wallets";
import { typedData } from "../../src/wallets/eip3009";

const KEY: Hex = `0x${"4c".repeat(32)}`;
const PAYER = addressOf(KEY)!;
const NOW = Date.parse("2026-11-23T07:10:00.000Z");
const USDC_SEPOLIA = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
const PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
const RESOURCE = { url: "mcp://tool/premium_data", description: "Premium data" };

function requirement(overrides: Record<string, unknown> = {}) {
  return {
    scheme: "exact",
    network: "eip155:84532",
    amount: "10000",
    asset: USDC_SEPOLIA,
    payTo: PAY_TO,
    maxTimeoutSeconds: 60,
    extra: { name: "USDC", version: "2" },
    ...overrides,
  };
}

/** An offer as the gateway gets it: an x402 MCP tool result through our own detector. */
function offerFrom(paymentRequired: Record<string, unknown>): Offer {
  const pr = detectPaymentRequired({
    jsonrpc: "2.0",
    id: 1,
    result: { isError: true, structuredContent: paymentRequired, content: [] },
  });
  const offer = pr?.offers[0];
  if (!offer) throw new Error(`no offer: ${JSON.stringify(pr?.invalid)}`);
  return offer;
}

const v2 = (entry = requirement()) => offerFrom({ x402Version: 2, resource: RESOURCE, accepts: [entry] });

function paid(result: PayResult) {
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result;
}

/** The gateway's view: the stored terms, and the credential read back off a tools/call. */
function gatewayCheck(offer: Offer, meta: Record<string, unknown>, now = NOW) {
  const stored = parseOfferTerms(offerTerms(offer));
  const credential = extractCredential({
    jsonrpc: "2.0",
    id: 2,
    method: "tools/call",
    params: { _meta: meta },
  });
  if (stored === null || credential === null) throw new Error("unreadable");
  return credentialMismatch(credential, stored, now);
}

type Payload = {
  x402Version: number;
  accepted?: unknown;
  resource?: unknown;
  scheme?: string;
  network?: string;
  payload: { signature: Hex; authorization: Record<string, string> };
};

describe("x402 v2 exact", () => {
  it("signs an EIP-3009 authorization viem verifies, echoing the requirement, and the gateway accepts it", async () => {
    const offer = v2();
    const result = paid(
      await payOffer({ offer, secret: { kind: "x402-evm", privateKey: KEY }, now: NOW, resource: RESOURCE }),
    );
    expect(result.payer).toBe(PAYER);
    if (result.credential.where !== "params._meta") throw new Error("expected _meta");
    expect(result.credential.key).toBe("x402/payment");
    const payment = result.credential.value as Payload;
    expect(payment).toMatchObject({ x402Version: 2, accepted: requirement(), resource: RESOURCE });
    const auth = payment.payload.authorization;
    const nowS = Math.floor(NOW / 1000);
    expect(auth).toMatchObject({
      from: PAYER,
      to: getAddress(PAY_TO),
      value: "10000",
      validAfter: String(nowS - 600),
      validBefore: String(nowS + 60),
    });
    expect(auth.nonce).toMatch(/^0x[0-9a-f]{64}$/);
    const domain = { name: "USDC", version: "2", chainId: 84532, verifyingContract: USDC_SEPOLIA };
    const signed = typedData(domain, auth as never);
    expect(
      await verifyTypedData({ address: PAYER as Hex, ...signed, signature: payment.payload.signature }),
    ).toBe(true);
    // The same signature under another domain (e.g. Base mainnet USDC's "USD Coin") does not verify.
    expect(
      await verifyTypedData({
        address: PAYER as Hex,
        ...typedData({ ...domain, name: "USD Coin" }, auth as never),
        signature: payment.payload.signature,
      }),
    ).toBe(false);
    expect(gatewayCheck(offer, { "x402/payment": payment })).toBeNull();
  });

  it("gives the PAYMENT-SIGNATURE header form (standard base64) when the 402 came over HTTP", async () => {
    const offer = v2();
    const result = paid(
      await payOffer({ offer, secret: { kind: "x402-evm", privateKey: KEY }, now: NOW, transport: "http" }),
    );
    if (result.credential.where !== "header") throw new Error("expected a header");
    expect(result.credential.name).toBe("PAYMENT-SIGNATURE");
    expect(result.credential.value).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(decodeBase64Json(result.credential.value)).toMatchObject({
      x402Version: 2,
      accepted: requirement(),
    });
  });

  it("uses a fresh nonce per payment unless one is pinned", async () => {
    const offer = v2();
    const secret = { kind: "x402-evm", privateKey: KEY } as const;
    const nonces = await Promise.all(
      [1, 2].map(async () => {
        const r = paid(await payOffer({ offer, secret, now: NOW }));
        return (r.credential as { value: Payload }).value.payload.authorization.nonce;
      }),
    );
    expect(nonces[0]).not.toBe(nonces[1]);
    const pinned: Hex = `0x${"ab".repeat(32)}`;
    const r = paid(await payOffer({ offer, secret, now: NOW, nonce: pinned }));
    expect((r.credential as { value: Payload }).value.payload.authorization.nonce).toBe(pinned);
  });

  it("is refused by the gateway once stale, or if replayed against a different requirement", async () => {
    const offer = v2();
    const result = paid(await payOffer({ offer, secret: { kind: "x402-evm", privateKey: KEY }, now: NOW }));
    const meta = { "x402/payment": (result.credential as { value: unknown }).value };
    expect(gatewayCheck(offer, meta, NOW + 61_000)).toBe("the authorization has expired");
    expect(gatewayCheck(v2(requirement({ amount: "10001" })), meta)).toBe(
      "the accepted requirement differs from the one offered",
    );
  });
});

describe("x402 v1 exact", () => {
  it("signs for maxAmountRequired on a named network, with scheme and network at the top level", async () => {
    const entry = {
      ...requirement({ network: "base-sepolia", amount: undefined }),
      maxAmountRequired: "25000",
      resource: "https://api.example.com/premium",
      description: "premium",
    };
    const offer = offerFrom({ x402Version: 1, accepts: [entry] });
    const result = paid(await payOffer({ offer, secret: { kind: "x402-evm", privateKey: KEY }, now: NOW }));
    const payment = (result.credential as { value: Payload }).value;
    expect(payment).toMatchObject({ x402Version: 1, scheme: "exact", network: "base-sepolia" });
    expect(payment.accepted).toBeUndefined();
    expect(payment.payload.authorization.value).toBe("25000");
    const signed = typedData(
      { name: "USDC", version: "2", chainId: 84532, verifyingContract: USDC_SEPOLIA },
      payment.payload.authorization as never,
    );
    expect(
      await verifyTypedData({ address: PAYER as Hex, ...signed, signature: payment.payload.signature }),
    ).toBe(true);
    expect(gatewayCheck(offer, { "x402/payment": payment })).toBeNull();
    const header = paid(
      await payOffer({ offer, secret: { kind: "x402-evm", privateKey: KEY }, now: NOW, transport: "http" }),
    );
    expect(header.credential).toMatchObject({ where: "header", name: "X-PAYMENT" });
  });
});

describe("what x402-evm refuses", () => {
  const secret = { kind: "x402-evm", privateKey: KEY } as const;

  it("answers unsupported_offer for upto, Permit2, non-EVM networks and missing token domains", async () => {
    const cases = [
      requirement({ scheme: "upto" }),
      requirement({ extra: { name: "USDC", version: "2", assetTransferMethod: "permit2" } }),
      requirement({ extra: {} }),
      requirement({
        network: "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp",
        asset: "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
      }),
    ];
    for (const entry of cases) {
      expect(await payOffer({ offer: v2(entry), secret, now: NOW })).toMatchObject({
        ok: false,
        code: "unsupported_offer",
      });
    }
  });

  it("answers sign_failed for a well-formed key outside the curve, without the key in the message", async () => {
    for (const privateKey of [`0x${"00".repeat(32)}`, `0x${"ff".repeat(32)}`]) {
      const result = await payOffer({ offer: v2(), secret: { kind: "x402-evm", privateKey }, now: NOW });
      expect(result).toMatchObject({ ok: false, code: "sign_failed" });
      expect(JSON.stringify(result)).not.toContain(privateKey.slice(2, 12));
    }
  });

  it("answers invalid_secret for a secret that does not parse, naming the field only", async () => {
    const result = await payOffer({
      offer: v2(),
      secret: { kind: "x402-evm", privateKey: "0xnothex-secret-material" } as never,
      now: NOW,
    });
    expect(result).toMatchObject({ ok: false, code: "invalid_secret" });
    expect(JSON.stringify(result)).not.toContain("secret-material");
  });
});
