// mppx client methods for the MPP kinds. mppx builds and serializes every credential: we never hand-write
// its wire format. Only the EIP-712 domain of an evm charge's token is ours to find (the challenge omits it).
import { Credential, Method, z } from "mppx";
import { assets, charge as evmCharge } from "mppx/evm/client";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { normalizeAsset } from "../payments";

/**
 * The mock `test` charge our demo upstream and tests speak (demo/paid-upstream/method.ts): the same
 * name, intent and payload schema, so mppx servers with that method verify what this client makes.
 */
const testCharge = Method.from({
  name: "test",
  intent: "charge",
  schema: {
    credential: { payload: z.object({ token: z.string() }) },
    request: z.object({ amount: z.string(), currency: z.string(), recipient: z.string() }),
  },
});

export function testClient(token: string) {
  return Method.toClient(testCharge, {
    async createCredential({ challenge }) {
      return Credential.serialize(Credential.from({ challenge, payload: { token } }));
    },
  });
}

/** A token's EIP-3009 domain metadata, as an org may configure it for tokens mppx does not know. */
export type TokenDomainConfig = { network: string; asset: string; name: string; version: string };

/** The tokens mppx ships EIP-3009 domains for (their names differ per chain: Base "USD Coin", Sepolia "USDC"). */
const KNOWN = [
  assets.base.USDC,
  assets.baseSepolia.USDC,
  assets.celo.USDC,
  assets.celo.USDT,
  assets.celoSepolia.USDC,
];

/** The domain name/version for `asset` on `network`: configured first, then mppx's table; null if unknown. */
export function tokenDomain(
  network: string,
  asset: string,
  configured: readonly TokenDomainConfig[] = [],
): { name: string; version: string } | null {
  const wanted = normalizeAsset(asset);
  const own = configured.find((d) => d.network === network && normalizeAsset(d.asset) === wanted);
  if (own) return { name: own.name, version: own.version };
  for (const known of KNOWN) {
    if (known.network !== network || normalizeAsset(known.address) !== wanted) continue;
    if (known.transfer?.type === "eip3009")
      return { name: known.transfer.name, version: known.transfer.version };
  }
  return null;
}

export function evmClient(privateKey: Hex, authorization: { name: string; version: string }) {
  return evmCharge({ account: privateKeyToAccount(privateKey), authorization });
}
