// Real mppx (0.11.0) server and client against our parsers, inside workerd: a challenge mppx issues must be
// detected and priced, and the credential mppx's own client builds for it must match the offer.
import { Credential, Errors, Method, z } from "mppx";
import { McpClient } from "mppx/mcp/client";
import { Mppx, Transport } from "mppx/server";
import { describe, expect, it } from "vitest";
import {
  classifyPaidResponse,
  credentialMatchesOffer,
  detectPaymentRequired,
  extractCredential,
  priceToBudget,
} from "../../src/payments";

const PATHUSD = "0x20c0000000000000000000000000000000000000";
const RECIPIENT = "0x742d35Cc6634C0532925a3b844Bc9e7595f8fE00";
// Fixed far-future expiry: mppx checks it against the real clock, our code against NOW.
const EXPIRES = "2099-01-01T00:00:00.000Z";
const NOW = Date.parse("2026-11-23T07:10:00.000Z");

const testCharge = Method.from({
  name: "test",
  intent: "charge",
  schema: {
    credential: { payload: z.object({ token: z.string() }) },
    request: z.object({ amount: z.string(), currency: z.string(), recipient: z.string() }),
  },
});

function paidServer() {
  const used = new Set<string>();
  const method = Method.toServer(testCharge, {
    async verify({ credential }) {
      // A plain Error is what a crashing verifier throws: mppx reports it as -32603 (internal).
      if (credential.payload.token === "crash") throw new Error("verifier crashed");
      if (credential.payload.token !== "ok")
        throw new Errors.VerificationFailedError({ reason: "bad token" });
      if (used.has(credential.challenge.id)) throw new Errors.VerificationFailedError({ reason: "replayed" });
      used.add(credential.challenge.id);
      return {
        method: "test",
        reference: `ref-${credential.challenge.id.slice(0, 8)}`,
        status: "success",
        timestamp: EXPIRES,
      };
    },
  });
  return Mppx.create({
    methods: [method],
    realm: "fake.local",
    secretKey: "x".repeat(32),
    transport: Transport.mcp(),
  });
}

type JsonRpcRequest = { jsonrpc: "2.0"; id: number; method: "tools/call"; params: Record<string, unknown> };
type Handler = (
  input: JsonRpcRequest,
) => Promise<{ status: number; challenge?: unknown; withReceipt?: unknown }>;

/** A stand-in for the MCP SDK client: each callTool is one JSON-RPC exchange with the mppx handler. */
function wire(handler: Handler) {
  const requests: JsonRpcRequest[] = [];
  const responses: unknown[] = [];
  let nextId = 1;
  const client = {
    async callTool(params: Record<string, unknown>) {
      const request: JsonRpcRequest = { jsonrpc: "2.0", id: nextId++, method: "tools/call", params };
      requests.push(request);
      const outcome = await handler(request);
      const response =
        outcome.status === 402
          ? (outcome.challenge as Record<string, unknown>)
          : (outcome.withReceipt as (r: unknown) => Record<string, unknown>)({
              jsonrpc: "2.0",
              id: request.id,
              result: { content: [{ type: "text", text: "paid echo" }] },
            });
      responses.push(response);
      if ("error" in response) throw Object.assign(new Error("JSON-RPC error"), response.error);
      return response.result;
    },
  };
  return { client, requests, responses };
}

const okClient = Method.toClient(testCharge, {
  async createCredential({ challenge }) {
    return Credential.serialize({ challenge, payload: { token: "ok" } });
  },
});

describe("a real mppx challenge and credential", () => {
  it("is detected, priced, matched, and its receipt classified", async () => {
    const mppx = paidServer();
    const handler: Handler = (input) =>
      mppx.charge({ amount: "10000", currency: PATHUSD, recipient: RECIPIENT, expires: EXPIRES })(
        input as never,
      );
    const { client, requests, responses } = wire(handler);
    McpClient.wrap(client as never, { methods: [okClient] });

    await (client.callTool as (p: unknown) => Promise<unknown>)({
      name: "paid_echo",
      arguments: { text: "hi" },
    });

    expect(requests).toHaveLength(2);
    const pr = detectPaymentRequired(responses[0]);
    expect(pr?.source).toBe("mpp-error");
    const choice = pr && priceToBudget(pr, NOW);
    if (!choice?.ok) throw new Error(`not priced: ${JSON.stringify(choice)}`);
    expect(choice.offer).toMatchObject({
      protocol: "mpp",
      method: "test",
      currency: "PATHUSD",
      decimals: 6,
      amount: 10000n,
      realm: "fake.local",
      expiresAt: Date.parse(EXPIRES),
    });

    const credential = extractCredential(requests[1]);
    expect(credential).toMatchObject({ protocol: "mpp", challengeId: choice.offer.offerKey });
    expect(credential && credentialMatchesOffer(credential, choice.offer)).toBe(true);

    expect(classifyPaidResponse(responses[1])).toEqual({
      kind: "receipt",
      reference: `ref-${choice.offer.offerKey.slice(0, 8)}`,
      challengeId: choice.offer.offerKey,
      settledAmount: null,
    });
  });

  it("classifies mppx's answers: tampered or replayed credential refused, crashed verifier maybe paid", async () => {
    const mppx = paidServer();
    const charge = mppx.charge({
      amount: "10000",
      currency: PATHUSD,
      recipient: RECIPIENT,
      expires: EXPIRES,
    });
    const first = (await charge({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "t" },
    } as never)) as {
      challenge: unknown;
    };
    const challenge = (first.challenge as { error: { data: { challenges: unknown[] } } }).error.data
      .challenges[0];
    const header = await okClient.createCredential({ challenge } as never);
    const parsed = Credential.deserialize(header);
    const tampered = {
      ...parsed,
      challenge: { ...parsed.challenge, request: { ...parsed.challenge.request, amount: "1" } },
    };
    const retry = (credential: unknown, id: number) =>
      charge({
        jsonrpc: "2.0",
        id,
        method: "tools/call",
        params: { name: "t", _meta: { "org.paymentauth/credential": credential } },
      } as never);

    const refused = (await retry(tampered, 2)) as { status: number; challenge: unknown };
    expect(refused.status).toBe(402);
    expect(classifyPaidResponse(refused.challenge).kind).toBe("refused");
    const offer = detectPaymentRequired(first.challenge)?.offers[0];
    const tamperedCredential = extractCredential({
      params: { _meta: { "org.paymentauth/credential": tampered } },
    });
    expect(offer && tamperedCredential && credentialMatchesOffer(tamperedCredential, offer)).toBe(false);

    expect((await retry(parsed, 3)).status).toBe(200);
    const replay = (await retry(parsed, 4)) as { status: number; challenge: unknown };
    expect(classifyPaidResponse(replay.challenge).kind).toBe("refused");
    const crashed = (await retry({ ...parsed, payload: { token: "crash" } }, 5)) as { challenge: unknown };
    expect(classifyPaidResponse(crashed.challenge).kind).toBe("maybe_paid");
  });

  it("prices composed offers as alternatives and sees when the client pays a different one", async () => {
    const mppx = paidServer();
    const handler = mppx.compose(
      ["test/charge", { amount: "10000", currency: PATHUSD, recipient: RECIPIENT, expires: EXPIRES }],
      ["test/charge", { amount: "25000", currency: PATHUSD, recipient: RECIPIENT, expires: EXPIRES }],
      ["test/charge", { amount: "3", currency: "usd", recipient: "acct_fake", expires: EXPIRES }],
    ) as unknown as Handler;
    const { client, requests, responses } = wire(handler);
    McpClient.wrap(client as never, { methods: [okClient] });
    await (client.callTool as (p: unknown) => Promise<unknown>)({ name: "paid_echo", arguments: {} });

    const pr = detectPaymentRequired(responses[0]);
    expect(pr?.offers.map((o) => `${o.amount} ${o.currency}`)).toEqual([
      "10000 PATHUSD",
      "25000 PATHUSD",
      "3 USD",
    ]);
    const choice = pr && priceToBudget(pr, NOW);
    expect(choice?.ok && choice.offer.amount).toBe(25000n);

    // mppx's client pays the first offer in server order, not the one the gateway reserved.
    const credential = extractCredential(requests[1]);
    if (!credential || !pr || !choice?.ok) throw new Error("no credential");
    expect(credentialMatchesOffer(credential, choice.offer)).toBe(false);
    expect(pr.offers.filter((o) => credentialMatchesOffer(credential, o)).map((o) => o.amount)).toEqual([
      10000n,
    ]);
  });
});
