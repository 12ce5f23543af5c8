// Payer mode's last step: answer the one offer policy and the ledger already chose, with the method's
// secret. Checks the result with the gateway's own credentialMismatch before handing it out.
import type { Hex } from "viem";
import {
  credentialMismatch,
  extractCredential,
  MPP_CREDENTIAL_KEY,
  type Offer,
  X402_PAYMENT_KEY,
} from "../payments";
import { cannotPay } from "./capability";
import type { TokenDomainConfig } from "./mpp-methods";
import { payMpp } from "./mpp-pay";
import { type PayResult, payFailure, type Transport } from "./result";
import { type MethodSecret, parseMethodSecret } from "./schema";
import { payX402 } from "./x402-pay";

export type PayInput = {
  offer: Offer;
  /** The decrypted method secret (re-validated here: it comes out of storage as JSON). */
  secret: MethodSecret;
  /** Epoch ms; the only clock this module reads. */
  now: number;
  /** Where the upstream reads the credential; "mcp" (params._meta) unless an HTTP 402 asked. */
  transport?: Transport;
  /** x402 v2: the challenge's `resource`, echoed in the PaymentPayload. */
  resource?: unknown;
  /** EIP-3009 domains for MPP evm tokens mppx does not know. */
  tokenDomains?: readonly TokenDomainConfig[];
  /** Tests pin the x402 EIP-3009 nonce; otherwise random. */
  nonce?: Hex;
};

/** Creates the credential for `offer`, or says why not; never throws for an expected failure. */
export async function payOffer(input: PayInput): Promise<PayResult> {
  const parsed = parseMethodSecret(input.secret);
  if (!parsed.ok) return payFailure("invalid_secret", parsed.message);
  const secret = parsed.secret;
  const { offer, now } = input;
  const reason = offer.payable
    ? cannotPay(secret.kind, offer, input.tokenDomains)
    : (offer.unpayableReason ?? "not payable");
  if (reason !== null) return payFailure("unsupported_offer", reason);
  const transport = input.transport ?? "mcp";
  const result =
    secret.kind === "x402-evm"
      ? await payX402({
          offer,
          privateKey: secret.privateKey as Hex,
          now,
          transport,
          resource: input.resource,
          nonce: input.nonce,
        })
      : await payMpp({ offer, secret, now, transport, tokenDomains: input.tokenDomains });
  return result.ok ? selfCheck(result, offer, now) : result;
}

/**
 * The gateway checks a paid retry's credential against the reserved offer's terms; one that would fail
 * there must not reach the upstream (it could still settle). Header forms are checked as their _meta twin.
 */
function selfCheck(result: Extract<PayResult, { ok: true }>, offer: Offer, now: number): PayResult {
  const meta = metaTwin(result.credential, offer);
  const parsed = extractCredential({ params: { _meta: meta } });
  const mismatch = parsed === null ? "the credential does not parse" : credentialMismatch(parsed, offer, now);
  return mismatch === null ? result : payFailure("credential_mismatch", mismatch);
}

function metaTwin(credential: Extract<PayResult, { ok: true }>["credential"], offer: Offer) {
  if (credential.where === "params._meta") return { [credential.key]: credential.value };
  // Our own parser accepts both header encodings in _meta (MPP "Payment <b64url>", x402 base64).
  return { [offer.protocol === "mpp" ? MPP_CREDENTIAL_KEY : X402_PAYMENT_KEY]: credential.value };
}
