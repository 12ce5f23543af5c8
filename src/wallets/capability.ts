// Which offers a wallet method kind can answer. One table shared by choose (pick an offer) and pay (refuse
// anything else), so the gateway never reserves an offer its wallet then cannot sign.
import { caip2Network, type Offer } from "../payments";
import { type TokenDomainConfig, tokenDomain } from "./mpp-methods";
import type { MethodKind } from "./schema";

const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** The EVM chain id of a CAIP-2 (or x402 v1 named) network; null when it is not an EVM chain. */
export function evmChainId(network: string | null): number | null {
  const match = /^eip155:([1-9][0-9]{0,15})$/.exec(caip2Network(network) ?? "");
  const id = match ? Number(match[1]) : Number.NaN;
  return Number.isSafeInteger(id) ? id : null;
}

/**
 * Why a method of `kind` cannot pay `offer`, or null when it can. `tokenDomains` are the org's EIP-712
 * domains for MPP evm tokens mppx does not know (the evm challenge does not carry one).
 */
export function cannotPay(
  kind: MethodKind,
  offer: Offer,
  tokenDomains: readonly TokenDomainConfig[] = [],
): string | null {
  switch (kind) {
    case "mpp-test":
      return offer.protocol === "mpp" && offer.method === "test" && offer.intent === "charge"
        ? null
        : "an mpp-test method pays only MPP test/charge challenges";
    case "mpp-evm":
      if (offer.protocol !== "mpp" || offer.method !== "evm" || offer.intent !== "charge")
        return "an mpp-evm method pays only MPP evm/charge challenges";
      return mppEvmReason(offer, tokenDomains);
    case "x402-evm":
      return x402Reason(offer);
  }
}

function x402Reason(offer: Offer): string | null {
  if (offer.protocol !== "x402") return "an x402-evm method pays only x402 requirements";
  if (offer.x402Version === null) return "the requirement's x402Version is neither 1 nor 2";
  // The x402 upto spec settles only through Permit2 (permitWitnessTransferFrom); EIP-3009 cannot settle
  // less than it signed. Not implemented, so upto is refused rather than signed in a form servers reject.
  if (offer.method === "upto")
    return "x402 upto needs a Permit2 authorization, which payer mode does not sign";
  if (offer.method !== "exact") return "an x402-evm method pays only the exact scheme";
  if (evmChainId(offer.network) === null) return "the requirement is not on an EVM chain";
  if (!EVM_ADDRESS.test(offer.asset)) return "the requirement's asset is not a token address";
  if (offer.recipient === null || !EVM_ADDRESS.test(offer.recipient))
    return "the requirement's payTo is not an address";
  const extra = (offer.raw as { extra?: Record<string, unknown> } | null)?.extra;
  if (typeof extra?.name !== "string" || typeof extra.version !== "string")
    return "the requirement has no EIP-712 token domain (extra.name, extra.version)";
  const transfer = extra.assetTransferMethod;
  if (transfer !== undefined && transfer !== "eip3009")
    return "the requirement asks for a transfer method other than EIP-3009";
  return null;
}

/** mppx's evm client signs only `authorization` credentials and no splits; say so before it throws. */
function mppEvmReason(offer: Offer, tokenDomains: readonly TokenDomainConfig[]): string | null {
  if (offer.network === null || evmChainId(offer.network) === null)
    return "the evm challenge names no EVM chain";
  if (tokenDomain(offer.network, offer.asset, tokenDomains) === null)
    return "the EIP-712 domain (name, version) of the challenge's token is not known";
  const request = (offer.raw as { request?: { methodDetails?: Record<string, unknown> } }).request;
  const details = request?.methodDetails;
  const types = details?.credentialTypes;
  if (!Array.isArray(types) || !types.includes("authorization"))
    return "the evm challenge does not accept authorization credentials";
  if (Array.isArray(details?.splits) && details.splits.length > 0)
    return "the evm challenge has payment splits, which an authorization cannot pay";
  return null;
}
