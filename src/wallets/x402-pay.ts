// x402 `exact` on EVM (v1 and v2): an EIP-3009 authorization for the requirement, as the PaymentPayload
// the upstream reads from `_meta["x402/payment"]` (MCP) or PAYMENT-SIGNATURE / X-PAYMENT (HTTP).
import type { Hex } from "viem";
import { type Offer, X402_PAYMENT_KEY } from "../payments";
import { evmChainId } from "./capability";
import { randomNonce, signAuthorization } from "./eip3009";
import { type PaidCredential, type PayResult, payFailure, type Transport } from "./result";

/** The TS exact-EVM client's margin: validAfter sits this far back so a slow server clock accepts it. */
const VALID_AFTER_SLACK_S = 600;
/** When the requirement states no maxTimeoutSeconds; inside the 300 s credentialMismatch allows then. */
const DEFAULT_VALIDITY_S = 60;

export type X402PayInput = {
  offer: Offer;
  privateKey: Hex;
  now: number;
  transport: Transport;
  /** v2 PaymentPayload.resource (the challenge's ResourceInfo), echoed when the caller has it. */
  resource?: unknown;
  /** Tests pin the nonce; otherwise 32 random bytes. */
  nonce?: Hex;
};

export async function payX402(input: X402PayInput): Promise<PayResult> {
  const { offer, now } = input;
  const chainId = evmChainId(offer.network);
  const extra = (offer.raw as { extra?: { name?: unknown; version?: unknown } }).extra;
  if (chainId === null || offer.recipient === null || typeof extra?.name !== "string")
    return payFailure("unsupported_offer", "the requirement is not an EVM exact payment");
  const validity = offer.maxTimeoutSeconds ?? DEFAULT_VALIDITY_S;
  if (validity < 1) return payFailure("unsupported_offer", "the requirement allows no time to settle");
  const nowS = Math.floor(now / 1000);
  let signed: Awaited<ReturnType<typeof signAuthorization>>;
  try {
    signed = await signAuthorization(
      input.privateKey,
      { name: extra.name, version: String(extra.version), chainId, verifyingContract: offer.asset },
      {
        to: offer.recipient,
        value: offer.amount.toString(),
        validAfter: String(Math.max(0, nowS - VALID_AFTER_SLACK_S)),
        validBefore: String(nowS + validity),
        nonce: input.nonce ?? randomNonce(),
      },
    );
  } catch {
    return payFailure("sign_failed", "the x402-evm method could not sign this authorization");
  }
  const payload = { signature: signed.signature, authorization: signed.authorization };
  const paymentPayload =
    offer.x402Version === 1
      ? { x402Version: 1, scheme: offer.method, network: offer.network, payload }
      : {
          x402Version: 2,
          ...(input.resource === undefined ? {} : { resource: input.resource }),
          // Echoed byte for byte: the server (and our credentialMismatch) match it against what was offered.
          accepted: offer.raw,
          payload,
        };
  return {
    ok: true,
    credential: place(paymentPayload, offer, input.transport),
    payer: signed.authorization.from,
  };
}

function place(paymentPayload: object, offer: Offer, transport: Transport): PaidCredential {
  if (transport === "mcp") return { where: "params._meta", key: X402_PAYMENT_KEY, value: paymentPayload };
  // x402 HTTP headers are standard base64 (with padding) of the UTF-8 JSON, unlike MPP's base64url.
  const bytes = new TextEncoder().encode(JSON.stringify(paymentPayload));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return {
    where: "header",
    name: offer.x402Version === 1 ? "X-PAYMENT" : "PAYMENT-SIGNATURE",
    value: btoa(binary),
  };
}
