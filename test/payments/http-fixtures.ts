// HTTP payment messages for the tollgate_fetch parsers: MPP 402s and receipts made by mppx's own server
// (Transport.http(), mock method `test`), and x402 v1 bodies / v2 headers in the reference's wire form.
import { Errors, Method, z } from "mppx";
import { Mppx, Transport } from "mppx/server";
import type { HttpAnswer } from "../../src/payments";

export const PATHUSD = "0x20c0000000000000000000000000000000000000";
export const RECIPIENT = "0x742d35Cc6634C0532925a3b844Bc9e7595f8fE00";
export const USDC_SEPOLIA = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
export const PAY_TO = "0x2096C0AF0d4B2A8d21b2C4dC1bC5d5f2A3F1287C";

const request = z.object({ amount: z.string(), currency: z.string(), recipient: z.string() });
const credential = { payload: z.object({ token: z.string() }) };
const testCharge = Method.from({ name: "test", intent: "charge", schema: { credential, request } });
const otherCharge = Method.from({ name: "othermethod", intent: "charge", schema: { credential, request } });

function verifier(name: string) {
  return async ({ credential: c }: { credential: { payload: { token: string } } }) => {
    if (c.payload.token !== "ok") throw new Errors.VerificationFailedError({ reason: "bad token" });
    return {
      method: name,
      reference: `ref-${name}`,
      status: "success" as const,
      timestamp: new Date().toISOString(),
    };
  };
}

/** A real mppx server on HTTP, with or without `requiresAuth` (credential in Payment-Authorization). */
export function mppxHttp(requiresAuth = false) {
  return Mppx.create({
    methods: [
      Method.toServer(testCharge, { verify: verifier("test") }),
      Method.toServer(otherCharge, { verify: verifier("othermethod") }),
    ],
    realm: "api.example",
    secretKey: "x".repeat(32),
    requiresAuth,
    transport: Transport.http({ requiresAuth }),
  });
}

const price = (amount: string) => ({
  amount,
  currency: PATHUSD,
  recipient: RECIPIENT,
  description: "Market report — “Q3”",
});

/** What mppx answers an unpaid GET: a 402 Response (one challenge, or two with `either`). */
export async function mpp402(
  options: { either?: boolean; requiresAuth?: boolean; headers?: HeadersInit } = {},
): Promise<Response> {
  const mppx = mppxHttp(options.requiresAuth);
  const req = new Request("https://api.example/report", { headers: options.headers });
  const result = options.either
    ? await mppx.compose(["test/charge", price("400000")], ["othermethod/charge", price("1200000")])(req)
    : await mppx["test/charge"](price("400000"))(req);
  if (result.status !== 402) throw new Error("expected a 402");
  return result.challenge;
}

/** mppx's answer to a request carrying `authorization` (a `Payment <b64url>` credential). */
export async function mppPaid(headers: Record<string, string>, requiresAuth = false): Promise<Response> {
  const mppx = mppxHttp(requiresAuth);
  const req = new Request("https://api.example/report", { headers });
  const result = await mppx["test/charge"](price("400000"))(req);
  if (result.status === 402) return result.challenge;
  return result.withReceipt(Response.json({ ok: true }));
}

export async function answerOf(response: Response): Promise<HttpAnswer> {
  return { status: response.status, headers: response.headers, bodyText: await response.text() };
}

/** Standard base64 (with padding) of UTF-8 JSON: x402's header encoding. */
export function b64(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** The reference's x402 v2 PaymentRequired (2.2). */
export const X402_V2_REQUIRED = {
  x402Version: 2,
  error: "PAYMENT-SIGNATURE header is required",
  resource: {
    url: "https://api.example.com/premium-data",
    description: "Premium data",
    mimeType: "application/json",
  },
  accepts: [
    {
      scheme: "exact",
      network: "eip155:84532",
      amount: "10000",
      asset: USDC_SEPOLIA,
      payTo: PAY_TO,
      maxTimeoutSeconds: 60,
      extra: { name: "USDC", version: "2" },
    },
  ],
  extensions: {},
};

/** The reference's x402 v1 402 body (2.1). */
export const X402_V1_BODY = {
  x402Version: 1,
  error: "X-PAYMENT header is required",
  accepts: [
    {
      scheme: "exact",
      network: "base-sepolia",
      maxAmountRequired: "10000",
      asset: USDC_SEPOLIA,
      payTo: PAY_TO,
      resource: "https://api.example.com/premium-data",
      description: "Premium data",
      mimeType: "application/json",
      outputSchema: null,
      maxTimeoutSeconds: 60,
      extra: { name: "USDC", version: "2" },
    },
  ],
};

export function answer(status: number, headers: Record<string, string> | Headers, bodyText = ""): HttpAnswer {
  return { status, headers: headers instanceof Headers ? headers : new Headers(headers), bodyText };
}
