// Payer mode answering MPP challenges through mppx's client methods, checked by real mppx servers:
// the mock `test` charge, and the `evm` charge whose EIP-3009 signature mppx verifies offline.
import { Challenge, Credential, Errors, Method, z } from "mppx";
import { assets } from "mppx/evm/client";
import { charge as evmServerCharge } from "mppx/evm/server";
import { Mppx, Transport } from "mppx/server";
import type { Hex } from "viem";
import { describe, expect, it } from "vitest";
import {
  classifyPaidResponse,
  credentialMismatch,
  detectPaymentRequired,
  extractCredential,
  type Offer,
  offerTerms,
  parseOfferTerms,
} from "../../src/payments";
import { addressOf, type PaidCredential, payOffer } from "../../src/wallets";

const PATHUSD = "0x20c0000000000000000000000000000000000000";
const RECIPIENT = "0x742d35Cc6634C0532925a3b844Bc9e7595f8fE00";
const KEY: Hex = `0x${"5d".repeat(32)}`;

type Rpc = { jsonrpc: "2.0"; id: number; method: "tools/call"; params: Record<string, unknown> };
type Outcome = { status: number; challenge?: unknown; withReceipt?: (response: unknown) => unknown };
type Charge = (request: Rpc) => Promise<Outcome>;

const call = (id: number, meta?: Record<string, unknown>): Rpc => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: "paid_echo", arguments: {}, ...(meta ? { _meta: meta } : {}) },
});

/** The -32042 the server answers an unpaid call with, and its first offer as the gateway parses it. */
async function challengeOf(charge: Charge): Promise<Offer> {
  const first = await charge(call(1));
  expect(first.status).toBe(402);
  const offer = detectPaymentRequired(first.challenge)?.offers[0];
  if (!offer) throw new Error("no offer detected");
  return offer;
}

async function retry(charge: Charge, credential: PaidCredential) {
  if (credential.where !== "params._meta") throw new Error("expected _meta");
  const outcome = await charge(call(2, { [credential.key]: credential.value }));
  const response =
    outcome.status === 402
      ? outcome.challenge
      : outcome.withReceipt?.({ jsonrpc: "2.0", id: 2, result: { content: [] } });
  return { status: outcome.status, response };
}

function gatewayCheck(offer: Offer, credential: PaidCredential, now: number) {
  if (credential.where !== "params._meta") throw new Error("expected _meta");
  const stored = parseOfferTerms(offerTerms(offer));
  const parsed = extractCredential(call(2, { [credential.key]: credential.value }));
  if (stored === null || parsed === null) throw new Error("unreadable");
  return credentialMismatch(parsed, stored, now);
}

/** The demo upstream's `test` method (demo/paid-upstream): pays when payload.token is "ok", once per id. */
function testServer() {
  const used = new Set<string>();
  const method = Method.toServer(
    Method.from({
      name: "test",
      intent: "charge",
      schema: {
        credential: { payload: z.object({ token: z.string() }) },
        request: z.object({ amount: z.string(), currency: z.string(), recipient: z.string() }),
      },
    }),
    {
      async verify({ credential }) {
        if (credential.payload.token !== "ok")
          throw new Errors.VerificationFailedError({ reason: "bad token" });
        if (used.has(credential.challenge.id))
          throw new Errors.VerificationFailedError({ reason: "replayed" });
        used.add(credential.challenge.id);
        return {
          method: "test",
          reference: "test-ref",
          status: "success",
          timestamp: new Date().toISOString(),
        };
      },
    },
  );
  const mppx = Mppx.create({
    methods: [method],
    realm: "fake.local",
    secretKey: "x".repeat(32),
    transport: Transport.mcp(),
  });
  return mppx.charge({ amount: "10000", currency: PATHUSD, recipient: RECIPIENT }) as unknown as Charge;
}

describe("mpp-test", () => {
  it("makes a credential a real mppx server accepts and the gateway matches", async () => {
    const charge = testServer();
    const offer = await challengeOf(charge);
    // mppx servers stamp expires from the wall clock (now + 5 min), so this test's clock is the wall clock.
    const now = Date.now();
    const result = await payOffer({ offer, secret: { kind: "mpp-test", token: "ok" }, now });
    if (!result.ok) throw new Error(result.message);
    expect(result.payer).toBeNull();
    expect(result.credential).toMatchObject({ where: "params._meta", key: "org.paymentauth/credential" });
    expect(gatewayCheck(offer, result.credential, now)).toBeNull();
    const paid = await retry(charge, result.credential);
    expect(paid.status).toBe(200);
    expect(classifyPaidResponse(paid.response)).toMatchObject({
      kind: "receipt",
      challengeId: offer.offerKey,
    });
    // The same credential again is a replay the server refuses.
    expect((await retry(charge, result.credential)).status).toBe(402);
  });

  it("defaults the token, and gives the Authorization header form for HTTP", async () => {
    const offer = await challengeOf(testServer());
    const now = Date.now();
    const result = await payOffer({ offer, secret: { kind: "mpp-test" } as never, now, transport: "http" });
    if (!result.ok) throw new Error(result.message);
    if (result.credential.where !== "header") throw new Error("expected a header");
    expect(result.credential.name).toBe("Authorization");
    expect(Credential.deserialize(result.credential.value).payload).toEqual({ token: "ok" });
  });

  it("refuses an expired challenge by the injected clock, before mppx sees it", async () => {
    const offer = await challengeOf(testServer());
    const late = (offer.expiresAt ?? 0) + 1;
    expect(await payOffer({ offer, secret: { kind: "mpp-test", token: "ok" }, now: late })).toMatchObject({
      ok: false,
      code: "offer_expired",
    });
  });

  it("withholds a credential the gateway's own check would refuse (credential_mismatch)", async () => {
    const offer = await challengeOf(testServer());
    // Terms reserved for another challenge id than the one in the raw challenge: the echo cannot match.
    const skewed = { ...offer, offerKey: "another-challenge-id" };
    expect(
      await payOffer({ offer: skewed, secret: { kind: "mpp-test", token: "ok" }, now: Date.now() }),
    ).toMatchObject({
      ok: false,
      code: "credential_mismatch",
    });
  });

  it("is the only kind that answers a test challenge (an mpp-evm method refuses it)", async () => {
    const offer = await challengeOf(testServer());
    expect(
      await payOffer({ offer, secret: { kind: "mpp-evm", privateKey: KEY }, now: Date.now() }),
    ).toMatchObject({
      ok: false,
      code: "unsupported_offer",
    });
  });
});

/**
 * mppx's evm charge with Base Sepolia USDC, settled by a stub so nothing touches a chain. In mppx 0.11 the
 * evm method carries its own HTTP transport (MPP plus the x402 dual header), so it is driven over Requests;
 * the challenge is handed to the gateway's parser in its MCP form (request as an object), as an MCP server
 * would send it.
 */
function evmServer(settled: string[]) {
  const method = evmServerCharge({
    currency: assets.baseSepolia.USDC,
    recipient: RECIPIENT,
    async settle({ payload }) {
      settled.push(payload.from);
      return { reference: `0x${"ab".repeat(32)}` };
    },
  });
  const mppx = Mppx.create({ methods: [method], realm: "fake.local", secretKey: "y".repeat(32) });
  const charge = mppx.charge({ amount: "0.01" }) as unknown as (
    r: Request,
  ) => Promise<{ status: number; challenge?: Response }>;
  const request = (authorization?: string) =>
    new Request("https://paid.example/tool", {
      method: "POST",
      headers: authorization ? { authorization } : {},
    });
  return {
    async offer(): Promise<Offer> {
      const first = await charge(request());
      if (first.status !== 402 || !first.challenge) throw new Error("expected a 402");
      const challenge = Challenge.fromResponse(first.challenge);
      const message = {
        jsonrpc: "2.0",
        id: 1,
        error: { code: -32042, message: "Payment Required", data: { challenges: [challenge] } },
      };
      const offer = detectPaymentRequired(message)?.offers[0];
      if (!offer) throw new Error("no offer detected");
      return offer;
    },
    async retry(credential: PaidCredential): Promise<number> {
      if (credential.where !== "header") throw new Error("expected a header");
      return (await charge(request(credential.value))).status;
    },
  };
}

describe("mpp-evm", () => {
  const secret = { kind: "mpp-evm", privateKey: KEY } as const;

  it("signs an EIP-3009 authorization that mppx's evm server verifies offline and settles", async () => {
    const settled: string[] = [];
    const server = evmServer(settled);
    const offer = await server.offer();
    expect(offer).toMatchObject({ method: "evm", network: "eip155:84532", amount: 10000n, currency: "USDC" });
    const now = Date.now();
    const mcp = await payOffer({ offer, secret, now });
    if (!mcp.ok) throw new Error(`${mcp.code}: ${mcp.message}`);
    expect(mcp.payer).toBe(addressOf(KEY));
    expect(gatewayCheck(offer, mcp.credential, now)).toBeNull();
    const http = await payOffer({ offer, secret, now, transport: "http" });
    if (!http.ok) throw new Error(`${http.code}: ${http.message}`);
    expect(http.credential).toMatchObject({ where: "header", name: "Authorization" });
    expect(await server.retry(http.credential)).toBe(200);
    expect(settled).toEqual([addressOf(KEY)]);
  });

  it("is refused by the server when signed under the wrong token domain", async () => {
    const server = evmServer([]);
    const offer = await server.offer();
    const tokenDomains = [{ network: "eip155:84532", asset: offer.asset, name: "USD Coin", version: "2" }];
    const result = await payOffer({ offer, secret, now: Date.now(), transport: "http", tokenDomains });
    if (!result.ok) throw new Error(result.message);
    expect(await server.retry(result.credential)).toBe(402);
  });

  it("answers sign_failed for a key outside the curve, without the key in the message", async () => {
    const offer = await evmServer([]).offer();
    const privateKey = `0x${"ff".repeat(32)}`;
    const result = await payOffer({ offer, secret: { kind: "mpp-evm", privateKey }, now: Date.now() });
    expect(result).toMatchObject({ ok: false, code: "sign_failed" });
    expect(JSON.stringify(result)).not.toContain("ffffffffff");
  });

  it("answers unsupported_offer for a token whose EIP-712 domain nobody knows", async () => {
    const offer = await evmServer([]).offer();
    const unknown = { ...offer, asset: "0x1111111111111111111111111111111111111111" };
    expect(await payOffer({ offer: unknown, secret, now: Date.now() })).toMatchObject({
      ok: false,
      code: "unsupported_offer",
    });
  });
});
