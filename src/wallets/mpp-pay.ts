// MPP (Payment auth) credentials made by mppx's own client methods: the `test` mock and the `evm` charge.
// MCP carries the credential as an object in `_meta["org.paymentauth/credential"]`; HTTP as `Payment <b64url>`.
import { Challenge, Credential } from "mppx";
import type { Hex } from "viem";
import { MPP_CREDENTIAL_KEY, type Offer } from "../payments";
import { evmClient, type TokenDomainConfig, testClient, tokenDomain } from "./mpp-methods";
import { type PaidCredential, type PayResult, payFailure, type Transport } from "./result";
import { addressOf, type MethodSecret } from "./schema";

export type MppPayInput = {
  offer: Offer;
  secret: Extract<MethodSecret, { kind: "mpp-test" | "mpp-evm" }>;
  now: number;
  transport: Transport;
  tokenDomains?: readonly TokenDomainConfig[];
};

export async function payMpp(input: MppPayInput): Promise<PayResult> {
  const { offer, secret, now } = input;
  const parsed = Challenge.Schema.safeParse(offer.raw);
  if (!parsed.success) return payFailure("unsupported_offer", "the offer is not an mppx challenge");
  const challenge = parsed.data;
  // mppx's own expiry check reads the wall clock; ours uses the injected one, and refuses first.
  if (offer.expiresAt === null || offer.expiresAt <= now)
    return payFailure("offer_expired", "the challenge has expired (or states no expiry)");
  const domain = evmDomain(input);
  if (typeof domain === "string") return payFailure("unsupported_offer", domain);
  let header: string;
  try {
    header = await createHeader(secret, challenge, domain);
  } catch {
    // mppx and viem messages can quote their inputs; ours names the method kind only.
    const message = `the ${secret.kind} method could not create a credential for this challenge`;
    return payFailure("sign_failed", message);
  }
  const payer = secret.kind === "mpp-evm" ? addressOf(secret.privateKey) : null;
  return { ok: true, credential: place(header, challenge, input.transport), payer };
}

/**
 * mppx types a method's challenge by its request schema; McpClient hands it the Challenge.Schema-parsed
 * wire challenge, as we do. One structural view of both client methods instead of their generics.
 */
type CredentialMaker = { createCredential(parameters: { challenge: Challenge.Challenge }): Promise<string> };

/** The `Payment <b64url>` credential mppx's client method makes for `challenge`. */
function createHeader(
  secret: MppPayInput["secret"],
  challenge: Challenge.Challenge,
  domain: { name: string; version: string } | null,
): Promise<string> {
  if (secret.kind === "mpp-evm" && domain === null) throw new Error("evm charge without a token domain");
  const method =
    secret.kind === "mpp-test"
      ? testClient(secret.token)
      : evmClient(secret.privateKey as Hex, domain as { name: string; version: string });
  return (method as unknown as CredentialMaker).createCredential({ challenge });
}

/** The token domain an evm charge signs under; null for mpp-test, a reason when it is unknown. */
function evmDomain({
  offer,
  secret,
  tokenDomains,
}: MppPayInput): { name: string; version: string } | null | string {
  if (secret.kind === "mpp-test") return null;
  const domain = offer.network === null ? null : tokenDomain(offer.network, offer.asset, tokenDomains);
  return domain ?? "the EIP-712 domain (name, version) of the challenge's token is not known";
}

function place(header: string, challenge: Challenge.Challenge, transport: Transport): PaidCredential {
  // The MCP form is mppx's own deserialization of what it serialized: challenge echoed, request an object.
  if (transport === "mcp")
    return { where: "params._meta", key: MPP_CREDENTIAL_KEY, value: Credential.deserialize(header) };
  // mppx `requiresAuth` servers name another header (Payment-Authorization) in the challenge.
  return { where: "header", name: challenge.header ?? "Authorization", value: header };
}
