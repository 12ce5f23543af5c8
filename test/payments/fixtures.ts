// Recorded payment protocol messages (test/fixtures/payments), keyed by file name.
import elicitation32042 from "../fixtures/payments/elicitation-32042.json";
import internalError from "../fixtures/payments/internal-error.json";
import jsonrpc402 from "../fixtures/payments/jsonrpc-402.json";
import mcpSdk32043Text from "../fixtures/payments/mcp-sdk-32043-text.json";
import mppBadAmounts from "../fixtures/payments/mpp-bad-amounts.json";
import mppChallenge from "../fixtures/payments/mpp-challenge.json";
import mppCredential from "../fixtures/payments/mpp-credential.json";
import mppCredentialRootMeta from "../fixtures/payments/mpp-credential-root-meta.json";
import mppExpired from "../fixtures/payments/mpp-expired.json";
import mppInvalidParams from "../fixtures/payments/mpp-invalid-params.json";
import mppMultiOffer from "../fixtures/payments/mpp-multi-offer.json";
import mppReceipt from "../fixtures/payments/mpp-receipt.json";
import mppResultMeta from "../fixtures/payments/mpp-result-meta.json";
import mppSession from "../fixtures/payments/mpp-session.json";
import mppVerificationFailed from "../fixtures/payments/mpp-verification-failed.json";
import mppxDual from "../fixtures/payments/mppx-dual.json";
import toolError from "../fixtures/payments/tool-error.json";
import unpaidSuccess from "../fixtures/payments/unpaid-success.json";
import x402CloudflareMetaError from "../fixtures/payments/x402-cloudflare-meta-error.json";
import x402PaymentResponse from "../fixtures/payments/x402-payment-response.json";
import x402TextWrapper from "../fixtures/payments/x402-text-wrapper.json";
import x402V1Credential from "../fixtures/payments/x402-v1-credential.json";
import x402V1PaymentRequired from "../fixtures/payments/x402-v1-payment-required.json";
import x402V2Credential from "../fixtures/payments/x402-v2-credential.json";
import x402V2CredentialBase64 from "../fixtures/payments/x402-v2-credential-base64.json";
import x402V2PaymentRequired from "../fixtures/payments/x402-v2-payment-required.json";
import x402V2TextOnly from "../fixtures/payments/x402-v2-text-only.json";

export const fixtures = {
  "elicitation-32042": elicitation32042 as unknown,
  "internal-error": internalError as unknown,
  "jsonrpc-402": jsonrpc402 as unknown,
  "mcp-sdk-32043-text": mcpSdk32043Text as unknown,
  "mpp-bad-amounts": mppBadAmounts as unknown,
  "mpp-challenge": mppChallenge as unknown,
  "mpp-credential-root-meta": mppCredentialRootMeta as unknown,
  "mpp-credential": mppCredential as unknown,
  "mpp-expired": mppExpired as unknown,
  "mpp-invalid-params": mppInvalidParams as unknown,
  "mpp-multi-offer": mppMultiOffer as unknown,
  "mpp-receipt": mppReceipt as unknown,
  "mpp-result-meta": mppResultMeta as unknown,
  "mpp-session": mppSession as unknown,
  "mpp-verification-failed": mppVerificationFailed as unknown,
  "mppx-dual": mppxDual as unknown,
  "tool-error": toolError as unknown,
  "unpaid-success": unpaidSuccess as unknown,
  "x402-cloudflare-meta-error": x402CloudflareMetaError as unknown,
  "x402-payment-response": x402PaymentResponse as unknown,
  "x402-text-wrapper": x402TextWrapper as unknown,
  "x402-v1-credential": x402V1Credential as unknown,
  "x402-v1-payment-required": x402V1PaymentRequired as unknown,
  "x402-v2-credential-base64": x402V2CredentialBase64 as unknown,
  "x402-v2-credential": x402V2Credential as unknown,
  "x402-v2-payment-required": x402V2PaymentRequired as unknown,
  "x402-v2-text-only": x402V2TextOnly as unknown,
};

export type FixtureName = keyof typeof fixtures;
