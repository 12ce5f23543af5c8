// Real MCP SDK clients for tests: one aimed at the gateway under test, one straight at the demo upstream,
// plus payers (mppx's MCP client with the mock `test` method) and hand-built MPP / x402 credentials.

import { exports } from "cloudflare:workers";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { ClientCapabilities } from "@modelcontextprotocol/sdk/types.js";
import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/cfworker";
import { type Challenge, Credential, Method } from "mppx";
import { McpClient } from "mppx/mcp/client";
import { testCharge } from "../../demo/paid-upstream/method";

export const CREDENTIAL_META_KEY = "org.paymentauth/credential";
export const RECEIPT_META_KEY = "org.paymentauth/receipt";
export const X402_PAYMENT_META_KEY = "x402/payment";
export const X402_RESPONSE_META_KEY = "x402/payment-response";

export type ConnectOptions = {
  /** Defaults to the gateway Worker under test (`exports.default.fetch`). */
  fetch?: typeof fetch;
  headers?: Record<string, string>;
  capabilities?: ClientCapabilities;
};

const gatewayFetch: typeof fetch = (input, init) => exports.default.fetch(input, init);

/** Connects the real SDK client (initialize + initialized) over Streamable HTTP. Close it when done. */
export async function connectMcp(url: string, opts: ConnectOptions = {}): Promise<Client> {
  const client = new Client(
    { name: "tollgate-test-client", version: "1.0.0" },
    { capabilities: opts.capabilities ?? {}, jsonSchemaValidator: new CfWorkerJsonSchemaValidator() },
  );
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    fetch: opts.fetch ?? gatewayFetch,
    requestInit: { headers: opts.headers ?? {} },
  });
  await client.connect(transport);
  return client;
}

/** Same, bypassing the gateway: the global fetch reaches the demo upstream (vitest outboundService). */
export function connectUpstreamDirect(
  url: string,
  opts: Omit<ConnectOptions, "fetch"> = {},
): Promise<Client> {
  return connectMcp(url, { ...opts, fetch: (input, init) => fetch(input, init) });
}

export type PayerOptions = {
  /** Sent as the credential payload; the demo upstream settles only "ok". */
  token?: string;
  /** Approval hook; return false to decline (callTool then throws "Payment declined."). */
  onPaymentRequired?: (challenge: Challenge.Challenge) => boolean | Promise<boolean>;
};

/** A client-side `test` method that answers any challenge with `{ token }`. */
export function testPaymentMethod(token = "ok") {
  return Method.toClient(testCharge, {
    async createCredential({ challenge }) {
      return Credential.serialize({ challenge, payload: { token } });
    },
  });
}

/**
 * Patches `client.callTool` in place (mppx McpClient.wrap): a -32042/-32043 is paid with the `test` method
 * and retried; the result gains `receipt`.
 */
export function withPayer(client: Client, opts: PayerOptions = {}) {
  return McpClient.wrap(client, {
    methods: [testPaymentMethod(opts.token)],
    ...(opts.onPaymentRequired ? { onPaymentRequired: opts.onPaymentRequired } : {}),
  });
}

/** A challenge as it travels inside a -32042 (request as a JSON object). */
export type WireChallenge = {
  id: string;
  realm: string;
  method: string;
  intent: string;
  request: Record<string, unknown>;
  expires?: string;
  description?: string;
  [key: string]: unknown;
};

/** The value for `_meta["org.paymentauth/credential"]`, echoing `challenge` unchanged (tamper it first if needed). */
export function payCredential(challenge: WireChallenge, token = "ok") {
  return { challenge, payload: { token } };
}

export type X402PaymentRequired = {
  x402Version: number;
  resource?: Record<string, unknown>;
  accepts: Array<Record<string, unknown>>;
  [key: string]: unknown;
};

const X402_TEST_PAYER = "0x1111111111111111111111111111111111111111";

/** The value for `_meta["x402/payment"]`: a v2 PaymentPayload accepting `accepts[acceptedIndex]` (unsigned). */
export function x402Payment(paymentRequired: X402PaymentRequired, acceptedIndex = 0) {
  const accepted = paymentRequired.accepts[acceptedIndex];
  if (!accepted) throw new Error(`no offer at index ${acceptedIndex}`);
  // Signed as x402's EVM client signs: valid from 10 minutes ago for the offer's maxTimeoutSeconds.
  const nowS = Math.floor(Date.now() / 1000);
  const timeout = typeof accepted.maxTimeoutSeconds === "number" ? accepted.maxTimeoutSeconds : 300;
  return {
    x402Version: 2,
    resource: paymentRequired.resource,
    accepted,
    payload: {
      signature: `0x${"00".repeat(65)}`,
      authorization: {
        from: X402_TEST_PAYER,
        to: accepted.payTo,
        value: accepted.amount,
        validAfter: String(nowS - 600),
        validBefore: String(nowS + timeout),
        nonce: `0x${"00".repeat(32)}`,
      },
    },
  };
}
