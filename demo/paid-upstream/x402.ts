// x402 over MCP, spec form: an unpaid call answers an `isError` result carrying PaymentRequired (v2); the
// retry carries `_meta["x402/payment"]` (an object, or base64 JSON as Cloudflare's withX402 sends it).
import type { CallParams, RpcReply, RpcTools } from "./rpc";
import { recordRun, recordSettlement } from "./witness";

const TOOL = "x402_weather";

/** The one offer: 0.01 USDC (6 decimals) on Base Sepolia. */
export const X402_OFFER = {
  scheme: "exact",
  network: "eip155:84532",
  amount: "10000",
  asset: "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
  payTo: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
  maxTimeoutSeconds: 60,
  extra: { name: "USDC", version: "2" },
} as const;

function paymentRequired(error: string) {
  return {
    x402Version: 2,
    error,
    resource: { url: `mcp://tool/${TOOL}`, description: "Weather for a city", mimeType: "text/plain" },
    accepts: [X402_OFFER],
  };
}

function paymentRequiredResult(error: string): RpcReply {
  const body = paymentRequired(error);
  return {
    result: {
      isError: true,
      structuredContent: body,
      content: [{ type: "text", text: JSON.stringify(body) }],
    },
  };
}

// Key order must not matter when comparing the echoed offer with ours.
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function decodePayment(raw: unknown): Record<string, unknown> | undefined {
  let value = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(atob(raw));
    } catch {
      return undefined;
    }
  }
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
}

function payerOf(payment: Record<string, unknown>): string {
  const payload = payment.payload as { authorization?: { from?: unknown } } | undefined;
  const from = payload?.authorization?.from;
  return typeof from === "string" ? from : "0x0000000000000000000000000000000000000001";
}

function callWeather({ arguments: args, meta }: CallParams): RpcReply {
  const raw = meta["x402/payment"];
  if (raw === undefined) return paymentRequiredResult("Payment required to call x402_weather");
  const payment = decodePayment(raw);
  if (payment?.x402Version !== 2 || canonical(payment.accepted) !== canonical(X402_OFFER)) {
    return paymentRequiredResult("Payment does not match the offered requirements");
  }
  const city = typeof args.city === "string" ? args.city : "Lisbon";
  recordRun(TOOL, args);
  recordSettlement({
    protocol: "x402",
    tool: TOOL,
    challengeId: null,
    amount: X402_OFFER.amount,
    reference: `0x${"ab".repeat(32)}`,
  });
  const settle = {
    success: true,
    transaction: `0x${"ab".repeat(32)}`,
    network: X402_OFFER.network,
    payer: payerOf(payment),
  };
  return {
    result: {
      content: [{ type: "text", text: `Sunny and 21°C in ${city}.` }],
      _meta: { "x402/payment-response": settle },
    },
  };
}

export const x402Tools: RpcTools = {
  list: [
    {
      name: TOOL,
      description: "Paid with x402: 0.01 USDC on Base Sepolia. Returns the weather for a city.",
      inputSchema: { type: "object", properties: { city: { type: "string" } } },
    },
  ],
  call: callWeather,
};
