// Public surface of payer mode's core: sealed wallet secrets, method schemas, choosing and paying an offer.
export { DEFAULT_KID, type Keyring, type KeyringResult, parseKeyring } from "./keyring";
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
