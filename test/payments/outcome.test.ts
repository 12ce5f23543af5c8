import { describe, expect, it } from "vitest";
import { classifyPaidResponse, type PaidOutcome } from "../../src/payments";
import { type FixtureName, fixtures } from "./fixtures";

const cases: [FixtureName, PaidOutcome["kind"]][] = [
  ["mpp-receipt", "receipt"],
  ["x402-payment-response", "receipt"],
  ["mpp-verification-failed", "refused"],
  ["mpp-challenge", "refused"],
  ["mpp-result-meta", "refused"],
  ["mpp-invalid-params", "refused"],
  ["mcp-sdk-32043-text", "refused"],
  ["x402-v2-payment-required", "refused"],
  ["x402-cloudflare-meta-error", "refused"],
  ["x402-text-wrapper", "refused"],
  ["jsonrpc-402", "refused"],
  ["mppx-dual", "refused"],
  ["internal-error", "maybe_paid"],
  ["tool-error", "maybe_paid"],
  ["elicitation-32042", "maybe_paid"],
  ["unpaid-success", "unpaid_success"],
];

describe("classifyPaidResponse over recorded responses to a paid retry", () => {
  for (const [name, kind] of cases) {
    it(`${name} -> ${kind}`, () => {
      expect(classifyPaidResponse(fixtures[name]).kind).toBe(kind);
    });
  }

  it("reads the MPP receipt's reference and challenge id", () => {
    expect(classifyPaidResponse(fixtures["mpp-receipt"])).toEqual({
      kind: "receipt",
      reference: "fake-ref-6RVqWNZH",
      challengeId: "6RVqWNZHkq3cX5Yt8sJ0pLmA2bC4dE6fG8hI0jK2lM4",
      settledAmount: null,
    });
  });

  it("reads the x402 settled amount and transaction", () => {
    expect(classifyPaidResponse(fixtures["x402-payment-response"])).toEqual({
      kind: "receipt",
      reference: `0x${"ab".repeat(32)}`,
      challengeId: null,
      settledAmount: 10000n,
    });
  });

  it("recognises the SDK text for a fresh -32042 too, but not other SDK error codes", () => {
    const text = (t: string) => ({
      jsonrpc: "2.0",
      id: 1,
      result: { isError: true, content: [{ type: "text", text: t }] },
    });
    expect(classifyPaidResponse(text("MCP error -32042: Payment is required.")).kind).toBe("refused");
    expect(classifyPaidResponse(text("MCP error -32603: Internal payment error.")).kind).toBe("maybe_paid");
    expect(classifyPaidResponse(text("tool said MCP error -32043: no")).kind).toBe("maybe_paid");
  });

  it("treats a failed settlement response without a fresh challenge as maybe paid", () => {
    const failed = {
      jsonrpc: "2.0",
      id: 1,
      result: { content: [], _meta: { "x402/payment-response": { success: false } } },
    };
    expect(classifyPaidResponse(failed).kind).toBe("maybe_paid");
  });

  it("answers maybe_paid for garbage rather than guessing nothing moved", () => {
    expect(classifyPaidResponse("nope").kind).toBe("maybe_paid");
    expect(classifyPaidResponse({ jsonrpc: "2.0", id: 1 }).kind).toBe("maybe_paid");
  });
});
