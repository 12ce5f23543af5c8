// Public surface of the pure payments core: detect a price, choose what to budget, match credentials, read outcomes.
export { parseBaseUnits, parseRfc3339 } from "./amount";
export { type AssetInfo, caip2Network, lookupAsset, normalizeAsset } from "./assets";
export { decodeBase64Json, decodeBase64Text } from "./base64";
export { EXPIRY_SKEW_MS, priceToBudget } from "./budget";
export {
  credentialCount,
  credentialMatchesOffer,
  credentialMismatch,
  extractCredential,
  hasPaymentCredential,
} from "./credential";
export { detectPaymentRequired } from "./detect";
export {
  agentHeaderCredential,
  credentialMetaValue,
  type McpChallenge,
  mcpChallengeOf,
  receiptMeta,
} from "./http-agent-forms";
export { MAX_REQUEST_PARAM_LENGTH, parseAuthChallenges, paymentChallengeObject } from "./http-auth";
export {
  checkAgentHeaders,
  credentialHeaderName,
  type HeaderCredential,
  type HeaderList,
  type HeaderRefusal,
  MPP_AUTHORIZATION,
  MPP_PAYMENT_AUTHORIZATION,
  readHttpCredential,
  withCredentialHeader,
  X402_V1_PAYMENT,
  X402_V2_PAYMENT,
} from "./http-credential";
export {
  detectHttpPaymentRequired,
  type HttpAnswer,
  type HttpHeadersLike,
  type HttpPaymentRequired,
  PAYMENT_REQUIRED_HEADER,
  WWW_AUTHENTICATE,
} from "./http-detect";
export {
  classifyHttpPaidResponse,
  MPP_RECEIPT_HEADER,
  X402_V1_RESPONSE_HEADER,
  X402_V2_RESPONSE_HEADER,
} from "./http-outcome";
export { canonicalJson, tryCanonicalJson } from "./jcs";
export { x402v1OfferKey } from "./offers";
export { classifyPaidResponse } from "./outcome";
export { MAX_TERMS_LENGTH, offerTerms, parseOfferTerms } from "./terms";
export * from "./types";
export {
  MPP_CREDENTIAL_KEY,
  MPP_PAYMENT_REQUIRED_CODE,
  MPP_PAYMENT_REQUIRED_KEY,
  MPP_RECEIPT_KEY,
  MPP_VERIFICATION_FAILED_CODE,
  X402_ERROR_KEY,
  X402_PAYMENT_KEY,
  X402_RESPONSE_KEY,
} from "./wire";
