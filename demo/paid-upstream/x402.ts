// x402 over MCP, spec form: an unpaid call answers an `isError` result carrying PaymentRequired; the
// retry carries `_meta["x402/payment"]` (an object, or base64 JSON as Cloudflare's withX402 sends it).
// Three variants: v2 `exact` (/x402/mcp), v1 `exact` (/x402v1/mcp: no `accepted` echo, v1 field
// names) and v2 `upto` (/x402upto/mcp: settles what the call used, at most the authorized value).
// Like a careless facilitator, settlement moves the authorization's `value`: a gateway that forwards
// an inflated authorization is caught by the witness log, not by this server.
import type { CallParams, RpcReply, RpcTools } from "./rpc";
import { recordRun, recordSettlement } from "./witness";

const TOOL = "x402_weather";
const USDC_BASE_SEPOLIA = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
const PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";

/** The v2 offer: 0.01 USDC (6 decimals) on Base Sepolia. */
export const X402_OFFER = {
  scheme: "exact",
  network: "eip155:84532",
  amount: "10000",
  asset: USDC_BASE_SEPOLIA,
  payTo: PAY_TO,
  maxTimeoutSeconds: 60,
  extra: { name: "USDC", version: "2" },
} as const;

/** The v2 `upto` offer: at most 0.05 USDC; a call uses 0.02. */
export const X402_UPTO_OFFER = { ...X402_OFFER, scheme: "upto", amount: "50000" } as const;
export const X402_UPTO_USED = 20_000n;

/** The v1 offer (network names, maxAmountRequired, resource per entry). */
export const X402_V1_OFFER = {
  scheme: "exact",
  network: "base-sepolia",
  maxAmountRequired: "10000",
  asset: USDC_BASE_SEPOLIA,
  payTo: PAY_TO,
  resource: `mcp://tool/${TOOL}`,
  description: "Weather for a city",
  mimeType: "text/plain",
  maxTimeoutSeconds: 60,
  extra: { name: "USDC", version: "2" },
} as const;

type Variant = "v2" | "v1" | "upto";

function paymentRequired(variant: Variant, error: string) {
  if (variant === "v1") return { x402Version: 1, error, accepts: [X402_V1_OFFER] };
  return {
    x402Version: 2,
    error,
    resource: { url: `mcp://tool/${TOOL}`, description: "Weather for a city", mimeType: "text/plain" },
    accepts: [variant === "upto" ? X402_UPTO_OFFER : X402_OFFER],
  };
}

function paymentRequiredResult(variant: Variant, error: string): RpcReply {
  const body = paymentRequired(variant, error);
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

type Authorization = { from?: unknown; to?: unknown; value?: unknown };

function authorizationOf(payment: Record<string, unknown>): Authorization {
  return (payment.payload as { authorization?: Authorization } | undefined)?.authorization ?? {};
}

function accepts(variant: Variant, payment: Record<string, unknown>): boolean {
  if (variant === "v1") {
    return (
      payment.x402Version === 1 && payment.scheme === "exact" && payment.network === X402_V1_OFFER.network
    );
  }
  const offer = variant === "upto" ? X402_UPTO_OFFER : X402_OFFER;
  return payment.x402Version === 2 && canonical(payment.accepted) === canonical(offer);
}

function callWeather(variant: Variant, { arguments: args, meta }: CallParams): RpcReply {
  const raw = meta["x402/payment"];
  if (raw === undefined) return paymentRequiredResult(variant, "Payment required to call x402_weather");
  const payment = decodePayment(raw);
  if (!payment || !accepts(variant, payment)) {
    return paymentRequiredResult(variant, "Payment does not match the offered requirements");
  }
  const auth = authorizationOf(payment);
  const authorized =
    typeof auth.value === "string" && /^\d{1,78}$/.test(auth.value) ? BigInt(auth.value) : 0n;
  const settled = variant === "upto" && authorized > X402_UPTO_USED ? X402_UPTO_USED : authorized;
  const city = typeof args.city === "string" ? args.city : "Lisbon";
  recordRun(TOOL, args);
  const transaction = `0x${crypto.randomUUID().replaceAll("-", "").padEnd(64, "0")}`;
  recordSettlement({
    protocol: "x402",
    tool: TOOL,
    challengeId: null,
    amount: settled.toString(),
    reference: transaction,
  });
  const settle = {
    success: true,
    transaction,
    network: variant === "v1" ? X402_V1_OFFER.network : X402_OFFER.network,
    payer: typeof auth.from === "string" ? auth.from : "0x0000000000000000000000000000000000000001",
    ...(variant === "upto" ? { amount: settled.toString() } : {}),
  };
  return {
    result: {
      content: [{ type: "text", text: `Sunny and 21°C in ${city}.` }],
      _meta: { "x402/payment-response": settle },
    },
  };
}

function toolsFor(variant: Variant): RpcTools {
  const price = variant === "upto" ? "up to 0.05" : "0.01";
  return {
    list: [
      {
        name: TOOL,
        description: `Paid with x402 (${variant}): ${price} USDC on Base Sepolia. Returns the weather for a city.`,
        inputSchema: { type: "object", properties: { city: { type: "string" } } },
      },
    ],
    call: (params) => callWeather(variant, params),
  };
}

export const x402Tools = toolsFor("v2");
export const x402V1Tools = toolsFor("v1");
export const x402UptoTools = toolsFor("upto");
