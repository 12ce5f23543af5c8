// EIP-3009 TransferWithAuthorization: the typed data x402 `exact` on EVM signs, built and signed with viem.
// Kept apart so tests verify exactly what was signed (viem verifyTypedData) with the same types and domain.
import { getAddress, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

export const TRANSFER_WITH_AUTHORIZATION_TYPES = {
  TransferWithAuthorization: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
} as const;

/** The token's EIP-712 domain: x402 takes name/version from the requirement's `extra`, the contract is the asset. */
export type TokenDomain = { name: string; version: string; chainId: number; verifyingContract: string };

/** The wire form (x402 payload.authorization): integers as decimal strings, addresses checksummed. */
export type Eip3009Authorization = {
  from: string;
  to: string;
  value: string;
  validAfter: string;
  validBefore: string;
  nonce: Hex;
};

export function typedData(domain: TokenDomain, authorization: Eip3009Authorization) {
  return {
    domain: { ...domain, verifyingContract: getAddress(domain.verifyingContract) },
    types: TRANSFER_WITH_AUTHORIZATION_TYPES,
    primaryType: "TransferWithAuthorization" as const,
    message: {
      from: getAddress(authorization.from),
      to: getAddress(authorization.to),
      value: BigInt(authorization.value),
      validAfter: BigInt(authorization.validAfter),
      validBefore: BigInt(authorization.validBefore),
      nonce: authorization.nonce,
    },
  };
}

export type SignedAuthorization = { authorization: Eip3009Authorization; signature: Hex };

/**
 * Signs a transfer of `value` to `to` from the key's address, valid in [validAfter, validBefore) (unix
 * seconds). Throws on a key viem refuses; the caller turns that into sign_failed without the error text.
 */
export async function signAuthorization(
  privateKey: Hex,
  domain: TokenDomain,
  terms: Omit<Eip3009Authorization, "from">,
): Promise<SignedAuthorization> {
  const account = privateKeyToAccount(privateKey);
  const authorization: Eip3009Authorization = { from: account.address, ...terms, to: getAddress(terms.to) };
  const signature = await account.signTypedData(typedData(domain, authorization));
  return { authorization, signature };
}

/** A fresh 32-byte EIP-3009 nonce: single use on chain, so a replayed credential cannot settle twice. */
export function randomNonce(): Hex {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
