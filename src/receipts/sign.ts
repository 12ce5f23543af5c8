// Receipt JWS: compact serialization, Ed25519 (alg EdDSA), payload = the receipt body's canonical
// JSON bytes exactly as the ledger hashed them, so `hash` = sha256(payload) is checkable offline.
import { CompactSign } from "jose";
import { utf8 } from "../auth/encoding";
import { RECEIPT_ALG, type Signer } from "./signing-keys";

export const RECEIPT_JWS_TYP = "tollgate-receipt+jws";

export function signReceipt(signer: Signer, body: string): Promise<string> {
  return new CompactSign(utf8.encode(body))
    .setProtectedHeader({ alg: RECEIPT_ALG, kid: signer.kid, typ: RECEIPT_JWS_TYP })
    .sign(signer.key);
}
