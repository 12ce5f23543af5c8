// Charging side of the demo upstream: one mppx instance (MCP SDK transport) with the mock `test` method,
// prices in pathUSD, and replay protection for challenge ids.
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import { Errors, Method } from "mppx";
import { Mppx, Transport } from "mppx/server";
import { otherCharge, testCharge } from "./method";
import { recordSettlement } from "./witness";

/** Tempo testnet pathUSD (TIP-20, 6 decimals): every demo price is in this token. */
export const PATH_USD = { currency: "0x20c0000000000000000000000000000000000000", decimals: 6 } as const;
export const RECIPIENT = "0x742d35Cc6634C0532925a3b844Bc454e4438f44e";
export const REALM = "tollgate-demo-upstream";
// Only signs challenge ids for a fake method; override with MPP_SECRET_KEY if you expose the demo.
export const DEFAULT_SECRET = "tollgate-demo-upstream-not-a-secret-0123456789";

/**
 * Challenge ids already paid. Module-level, so replay is refused within one isolate: enough for tests and
 * `wrangler dev` (one isolate). A deployed multi-isolate server would keep these in a Durable Object or KV.
 */
const usedChallengeIds = new Set<string>();

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** The `test` method's server side: settles a {"token":"ok"} credential once per challenge id. */
export const testServer = Method.toServer(testCharge, {
  async broadcast({ credential }) {
    const id = credential.challenge.id;
    // VerificationFailedError maps to -32043 (behind McpServer: an isError "MCP error -32043" text result).
    if (credential.payload.token !== "ok") {
      throw new Errors.VerificationFailedError({ reason: 'test token is not "ok"' });
    }
    if (usedChallengeIds.has(id)) {
      throw new Errors.VerificationFailedError({ reason: `challenge ${id} was already used` });
    }
    usedChallengeIds.add(id);
    const reference = `test-${crypto.randomUUID()}`;
    const amount = (credential.challenge.request as { amount?: unknown }).amount;
    recordSettlement({
      protocol: "mpp",
      tool: null,
      challengeId: id,
      amount: typeof amount === "string" ? amount : null,
      reference,
    });
    return {
      method: "test",
      reference,
      status: "success",
      timestamp: new Date().toISOString(),
    };
  },
});

export const otherServer = Method.toServer(otherCharge, {
  async broadcast() {
    throw new Errors.VerificationFailedError({
      reason: "othermethod is offered but never settled by this demo",
    });
  },
});

/** Prices in pathUSD major units; the wire carries base units ("0.50" -> "500000"). */
export const PRICES = {
  generate_image: "0.50",
  research_brief: "2.00",
  research_deep: "15.00",
  slow_paid: "0.10",
  charge_then_fail: "0.25",
  server_error: "0.25",
  paid_resource: "0.30",
  paid_prompt: "0.20",
} as const;

export function offer(amount: string, description: string, recipient: string = RECIPIENT) {
  return { amount, description, recipient, ...PATH_USD };
}

function createPaymentsUncached(secretKey: string) {
  const mppx = Mppx.create({
    methods: [testServer, otherServer],
    realm: REALM,
    secretKey,
    transport: Transport.mcpSdk(),
  });
  return {
    /** Charge `amount` (major units) for one call; a 402 result carries the McpError (-32042) to throw. */
    charge: (extra: Extra, amount: string, description: string, recipient?: string) =>
      mppx["test/charge"](offer(amount, description, recipient))(extra),
    /** Two alternative offers in one -32042: `test` at 1.00 and `othermethod` at 3.00. */
    chargeEither: (extra: Extra, description: string) =>
      mppx.compose(
        ["test/charge", offer("1.00", description)],
        ["othermethod/charge", offer("3.00", description)],
      )(extra),
  };
}

export type Payments = ReturnType<typeof createPaymentsUncached>;

let cached: { secretKey: string; payments: Payments } | undefined;

/** One mppx instance per secret, reused across requests. */
export function createPayments(secretKey = DEFAULT_SECRET): Payments {
  if (cached?.secretKey !== secretKey) cached = { secretKey, payments: createPaymentsUncached(secretKey) };
  return cached.payments;
}
