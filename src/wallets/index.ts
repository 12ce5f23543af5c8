// Public surface of payer mode's core: sealed wallet secrets, method schemas, choosing and paying an offer.

export { cannotPay, evmChainId } from "./capability";
export { type CapLines, type WalletCaps, walletCapLines } from "./caps";
export {
  type Choice,
  type ChooseInput,
  chooseOffer,
  REJECTION_CODES,
  type Rejection,
  type RejectionCode,
  type WalletMethodRef,
} from "./choose";
export { DEFAULT_KID, type Keyring, type KeyringResult, parseKeyring } from "./keyring";
export { type TokenDomainConfig, tokenDomain } from "./mpp-methods";
export { type PayInput, payOffer } from "./pay";
export {
  PAY_FAILURE_CODES,
  type PaidCredential,
  type PayFailureCode,
  type PayResult,
  type Transport,
} from "./result";
export {
  addressOf,
  type DescribeResult,
  describeMethod,
  METHOD_KINDS,
  type MethodDescription,
  MethodDescriptionSchema,
  type MethodKind,
  type MethodSecret,
  MethodSecretSchema,
  parseMethodSecret,
  parseMethodSecretText,
  serializeMethodSecret,
} from "./schema";
export {
  decryptSecret,
  encryptSecret,
  envelopeKid,
  type OpenFailureCode,
  type OpenResult,
  type RotateResult,
  reencrypt,
  type SecretBinding,
} from "./secret-box";
