// Parser, signer and server agree: the demo upstream's paid HTTP API (reached by the test's global fetch)
// answers 402, our detector reads the offer, the wallet's payOffer signs it for HTTP, our header code
// attaches it, the upstream verifies and settles, and our classifier reads the receipt. The witness log
// says what the upstream really settled.
import { generatePrivateKey } from "viem/accounts";
import { describe, expect, it } from "vitest";
import {
  checkAgentHeaders,
  classifyHttpPaidResponse,
  credentialMismatch,
  decodeBase64Json,
  detectHttpPaymentRequired,
  type HttpPaymentRequired,
  type Offer,
  offerTerms,
  parseOfferTerms,
  priceToBudget,
  readHttpCredential,
  withCredentialHeader,
} from "../../src/payments";
import { type MethodSecret, payOffer } from "../../src/wallets";
import { witness, witnessHost } from "../helpers/witness";

type Fetched = { response: Response; pr: HttpPaymentRequired | null; bodyText: string };

async function get(url: string, headers: Array<[string, string]>): Promise<Fetched> {
  const response = await fetch(url, { headers });
  const bodyText = await response.text();
  const pr = detectHttpPaymentRequired({ status: response.status, headers: response.headers, bodyText });
  return { response, pr, bodyText };
}

/** What tollgate_fetch does for one paid call; returns the credential headers it sent and the outcome. */
async function payAndRetry(url: string, secret: MethodSecret, pick: (offers: Offer[]) => Offer | undefined) {
  const agent = checkAgentHeaders({ accept: "application/json", "x-request-id": "r1" });
  if (!agent.ok) throw new Error(agent.message);
  const first = await get(url, agent.headers);
  expect(first.response.status).toBe(402);
  const offer = pick(first.pr?.offers ?? []);
  if (!offer) throw new Error(`no offer: ${JSON.stringify(first.pr?.invalid)}`);
  const now = Date.now();
  const paid = await payOffer({
    offer,
    secret,
    now,
    transport: "http",
    resource: first.pr?.x402Resource ?? undefined,
  });
  if (!paid.ok) throw new Error(`${paid.code}: ${paid.message}`);
  const attached = withCredentialHeader(agent.headers, offer, paid.credential);
  if (!attached.ok) throw new Error(attached.message);
  // The gateway's claim step: the outgoing credential against the reserved offer's stored terms.
  const sent = readHttpCredential(new Headers(attached.headers));
  expect(sent.count).toBe(1);
  expect(credentialMismatch(sent.credential!, parseOfferTerms(offerTerms(offer))!, now)).toBeNull();
  const retry = await fetch(url, { headers: attached.headers });
  const bodyText = await retry.text();
  const outcome = classifyHttpPaidResponse({ status: retry.status, headers: retry.headers, bodyText });
  return { first, offer, headers: attached.headers, retry, bodyText, outcome };
}

const MPP_TEST: MethodSecret = { kind: "mpp-test", token: "ok" };
const x402Key = (): MethodSecret => ({ kind: "x402-evm", privateKey: generatePrivateKey() });
const firstOffer = (offers: Offer[]) => offers[0];

describe("MPP over HTTP against the demo upstream", () => {
  it("402 -> payOffer (mpp-test) -> Authorization: Payment -> 200 + Payment-Receipt, settled once", async () => {
    const host = witnessHost();
    const url = `https://${host}/http/mpp/report`;
    const run = await payAndRetry(url, MPP_TEST, firstOffer);
    expect(run.first.pr?.source).toBe("http-mpp");
    expect(run.offer).toMatchObject({ method: "test", amount: 400000n, currency: "PATHUSD" });
    expect(priceToBudget(run.first.pr!, Date.now())).toEqual({ ok: true, offer: run.offer });
    expect(run.headers.find(([n]) => n === "Authorization")?.[1]).toMatch(/^Payment [A-Za-z0-9_-]+$/);
    expect(run.retry.status).toBe(200);
    expect(JSON.parse(run.bodyText)).toMatchObject({ paidWith: "mpp" });
    expect(run.outcome).toMatchObject({ kind: "receipt", settledAmount: null });
    const reference = run.outcome.kind === "receipt" ? run.outcome.reference : null;
    const w = await witness(host);
    expect(w.settlements).toEqual([
      {
        protocol: "mpp",
        tool: null,
        path: "/http/mpp/report",
        challengeId: run.offer.offerKey,
        amount: "400000",
        reference,
      },
    ]);
    expect(w.requests.map((r) => [r.httpMethod, r.paymentHeaders])).toEqual([
      ["GET", []],
      ["GET", ["authorization"]],
    ]);
  });

  it("a replayed credential is refused with a fresh challenge and settles nothing more", async () => {
    const host = witnessHost();
    const url = `https://${host}/http/mpp/report`;
    const run = await payAndRetry(url, MPP_TEST, firstOffer);
    const again = await fetch(url, { headers: run.headers });
    const outcome = classifyHttpPaidResponse({
      status: again.status,
      headers: again.headers,
      bodyText: await again.text(),
    });
    expect(outcome.kind).toBe("refused");
    expect((await witness(host)).settlements).toHaveLength(1);
  });

  it("two challenges in two headers: both detected, the payable one paid", async () => {
    const host = witnessHost();
    const url = `https://${host}/http/mpp/either`;
    const run = await payAndRetry(url, MPP_TEST, (offers) => {
      expect(offers.map((o) => [o.method, o.amount])).toEqual([
        ["test", 400000n],
        ["othermethod", 1200000n],
      ]);
      return offers.find((o) => o.method === "test");
    });
    expect(run.outcome.kind).toBe("receipt");
    expect((await witness(host)).settlements.map((s) => s.amount)).toEqual(["400000"]);
  });
});

describe("x402 over HTTP against the demo upstream", () => {
  for (const version of [2, 1] as const) {
    const names =
      version === 2
        ? { credential: "PAYMENT-SIGNATURE", response: "payment-response", path: "/http/x402v2/report" }
        : { credential: "X-PAYMENT", response: "x-payment-response", path: "/http/x402v1/report" };

    it(`v${version}: 402 -> payOffer (x402-evm) -> ${names.credential} -> 200 + settle response`, async () => {
      const host = witnessHost();
      const url = `https://${host}${names.path}`;
      const run = await payAndRetry(url, x402Key(), firstOffer);
      expect(run.first.pr?.source).toBe(`http-x402-v${version}`);
      expect(run.offer).toMatchObject({
        protocol: "x402",
        x402Version: version,
        amount: 20000n,
        currency: "USDC",
      });
      expect(run.headers.map(([n]) => n)).toContain(names.credential);
      expect(run.retry.status).toBe(200);
      const settle = decodeBase64Json(run.retry.headers.get(names.response)!) as { transaction: string };
      expect(run.outcome).toEqual({
        kind: "receipt",
        reference: settle.transaction,
        challengeId: null,
        settledAmount: null,
      });
      const w = await witness(host);
      expect(w.settlements).toMatchObject([{ protocol: "x402", path: names.path, amount: "20000" }]);
      expect(w.requests[1]?.paymentHeaders).toEqual([names.credential.toLowerCase()]);
    });

    it(`v${version}: a replayed authorization is refused (nonce used) and settles nothing more`, async () => {
      const host = witnessHost();
      const url = `https://${host}${names.path}`;
      const run = await payAndRetry(url, x402Key(), firstOffer);
      const again = await fetch(url, { headers: run.headers });
      expect(again.status).toBe(402);
      const bodyText = await again.text();
      const outcome = classifyHttpPaidResponse({ status: again.status, headers: again.headers, bodyText });
      expect(outcome).toMatchObject({ kind: "refused", reason: "x402 settlement failed (invalid_payment)" });
      expect((await witness(host)).settlements).toHaveLength(1);
    });
  }

  it("a signature by another key than the payer's is refused by the upstream", async () => {
    const host = witnessHost();
    const url = `https://${host}/http/x402v2/report`;
    const first = await get(url, []);
    const offer = first.pr!.offers[0]!;
    const paid = await payOffer({ offer, secret: x402Key(), now: Date.now(), transport: "http" });
    if (!paid.ok || paid.credential.where !== "header") throw new Error("not paid");
    const payload = decodeBase64Json(paid.credential.value) as {
      payload: { authorization: { from: string } };
    };
    payload.payload.authorization.from = "0x000000000000000000000000000000000000dEaD";
    const forged = btoa(JSON.stringify(payload));
    const retry = await fetch(url, { headers: { "PAYMENT-SIGNATURE": forged } });
    const outcome = classifyHttpPaidResponse({
      status: retry.status,
      headers: retry.headers,
      bodyText: await retry.text(),
    });
    expect(outcome.kind).toBe("refused");
    expect((await witness(host)).settlements).toEqual([]);
  });
});
