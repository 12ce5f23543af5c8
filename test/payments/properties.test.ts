import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  classifyPaidResponse,
  credentialMatchesOffer,
  detectPaymentRequired,
  extractCredential,
  priceToBudget,
} from "../../src/payments";
import { fixtures } from "./fixtures";

// Arbitrary JSON, plus JSON shaped like the messages we parse so the generator reaches deep branches.
const key = fc.constantFrom(
  "jsonrpc",
  "id",
  "error",
  "result",
  "code",
  "data",
  "challenges",
  "elicitations",
  "x402",
  "x402Version",
  "accepts",
  "isError",
  "structuredContent",
  "content",
  "text",
  "_meta",
  "org.paymentauth/payment-required",
  "org.paymentauth/credential",
  "org.paymentauth/receipt",
  "x402/error",
  "x402/payment",
  "x402/payment-response",
  "params",
  "challenge",
  "payload",
  "request",
  "amount",
  "maxAmountRequired",
  "currency",
  "method",
  "intent",
  "expires",
  "scheme",
  "network",
  "asset",
  "payTo",
  "accepted",
  "authorization",
  "value",
  "to",
  "status",
  "success",
);
const scalar = fc.oneof(
  fc.constantFrom(
    -32042,
    -32043,
    -32602,
    -32603,
    402,
    1,
    2,
    true,
    false,
    null,
    "0",
    "10000",
    "usd",
    "charge",
    "exact",
  ),
  fc.constantFrom(
    "eip155:8453",
    "2026-11-23T07:13:16.286Z",
    "MCP error -32043: x",
    '{"x402Version":2,"accepts":[{}]}',
  ),
  fc.string(),
  fc.integer(),
  fc.double(),
);
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, tie("array"), tie("object")),
  array: fc.array(tie("tree"), { maxLength: 4 }),
  object: fc.dictionary(fc.oneof(key, fc.string()), tie("tree"), { maxKeys: 6 }),
}));
const anyJson = fc.oneof(fc.jsonValue(), tree);

/** Replaces one random subtree of a real fixture with arbitrary JSON. */
const mutatedFixture = fc
  .tuple(fc.constantFrom(...Object.values(fixtures)), fc.array(fc.nat(), { maxLength: 6 }), anyJson)
  .map(([fixture, path, replacement]) => mutate(structuredClone(fixture), path, replacement));

function mutate(value: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0 || value === null || typeof value !== "object") return replacement;
  const [step = 0, ...rest] = path;
  const keys = Object.keys(value);
  const chosen = keys[step % Math.max(keys.length, 1)];
  if (chosen === undefined) return replacement;
  const holder = value as Record<string, unknown>;
  holder[chosen] = mutate(holder[chosen], rest, replacement);
  return value;
}

/** Puts `secret` wherever a proof (payload, signature, token) could sit, and in credential payloads. */
function poison(value: unknown, secret: string): unknown {
  if (Array.isArray(value)) return value.map((item) => poison(item, secret));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === "payload" || k === "signature" || k === "token"
        ? { signature: secret, token: secret }
        : poison(v, secret),
    ]),
  );
}

const inputs = fc.oneof(anyJson, mutatedFixture);
const NOW = Date.parse("2026-11-23T07:10:00.000Z");

describe("parsers never throw on arbitrary JSON", () => {
  it("detectPaymentRequired, then priceToBudget on whatever it found", () => {
    fc.assert(
      fc.property(inputs, (message) => {
        const pr = detectPaymentRequired(message);
        if (pr !== null) {
          const choice = priceToBudget(pr, NOW);
          if (choice.ok) expect(choice.offer.amount >= 0n).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("extractCredential and credentialMatchesOffer", () => {
    const offers = Object.values(fixtures).flatMap((f) => detectPaymentRequired(f)?.offers ?? []);
    fc.assert(
      fc.property(inputs, (message) => {
        const credential = extractCredential(message);
        if (credential !== null) for (const offer of offers) credentialMatchesOffer(credential, offer);
      }),
      { numRuns: 2000 },
    );
  });

  it("classifyPaidResponse always answers one of the four kinds", () => {
    fc.assert(
      fc.property(inputs, (message) => {
        expect(["receipt", "refused", "maybe_paid", "unpaid_success"]).toContain(
          classifyPaidResponse(message).kind,
        );
      }),
      { numRuns: 2000 },
    );
  });

  it("reasons never carry credential payload contents", () => {
    const secret = "SECRET-PROOF-7f3a";
    fc.assert(
      fc.property(inputs, (message) => {
        const poisoned = poison(message, secret);
        const outcome = classifyPaidResponse(poisoned);
        if ("reason" in outcome) expect(outcome.reason).not.toContain(secret);
        const pr = detectPaymentRequired(poisoned);
        for (const reason of pr?.invalid ?? []) expect(reason).not.toContain(secret);
        const credential = extractCredential(poisoned);
        if (credential?.protocol === "x402")
          expect(JSON.stringify(credential.accepted ?? null)).not.toContain(secret);
      }),
      { numRuns: 500 },
    );
  });
});
