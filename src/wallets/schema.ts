// What a wallet payment method holds: the secret (sealed by secret-box, never shown again) and its public
// description (what the API and dashboard may show: the kind and the address, never the key).
import { privateKeyToAccount } from "viem/accounts";
import { z } from "zod";

export const METHOD_KINDS = ["mpp-test", "mpp-evm", "x402-evm"] as const;
export type MethodKind = (typeof METHOD_KINDS)[number];

/** Format only (0x + 32 bytes hex); whether it is a usable secp256k1 key is checked by describeMethod. */
const PrivateKeySchema = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "a 0x-prefixed 32-byte hex private key");

export const MethodSecretSchema = z.discriminatedUnion("kind", [
  /** The mppx mock `test` charge (our demo upstream, tests): the "proof" is a token the server expects. */
  z.strictObject({ kind: z.literal("mpp-test"), token: z.string().min(1).max(256).default("ok") }),
  /** MPP `evm` charge: an EIP-3009 authorization signed by mppx's evm client. */
  z.strictObject({ kind: z.literal("mpp-evm"), privateKey: PrivateKeySchema }),
  /** x402 `exact` on EVM: an EIP-3009 TransferWithAuthorization signed with viem. */
  z.strictObject({ kind: z.literal("x402-evm"), privateKey: PrivateKeySchema }),
]);
export type MethodSecret = z.infer<typeof MethodSecretSchema>;

export const MethodDescriptionSchema = z.strictObject({
  kind: z.enum(METHOD_KINDS),
  /** Checksummed EVM address derived from the key; null for kinds without one (mpp-test). */
  address: z.string().nullable(),
});
export type MethodDescription = z.infer<typeof MethodDescriptionSchema>;

export type DescribeResult =
  | { ok: true; description: MethodDescription }
  | { ok: false; code: "invalid_secret"; message: string };

/**
 * The public fields of a secret (the redaction: nothing else leaves). Also the place a key is proven
 * usable: a well-formed hex string outside the secp256k1 range fails here, before it is stored.
 */
export function describeMethod(secret: MethodSecret): DescribeResult {
  if (secret.kind === "mpp-test") return { ok: true, description: { kind: secret.kind, address: null } };
  const address = addressOf(secret.privateKey);
  if (address === null) return invalid("the private key is not a valid secp256k1 key");
  return { ok: true, description: { kind: secret.kind, address } };
}

/** Parses a decrypted (or submitted) secret; messages name fields, never values. */
export function parseMethodSecret(value: unknown): { ok: true; secret: MethodSecret } | DescribeFailure {
  const parsed = MethodSecretSchema.safeParse(value);
  if (parsed.success) return { ok: true, secret: parsed.data };
  const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join(".") || "(root)"))];
  return invalid(`not a wallet method secret (check: ${fields.join(", ")})`);
}

/** The JSON text a secret is sealed as; parseMethodSecretText reads it back. */
export function serializeMethodSecret(secret: MethodSecret): string {
  return JSON.stringify(secret);
}

export function parseMethodSecretText(text: string): { ok: true; secret: MethodSecret } | DescribeFailure {
  try {
    return parseMethodSecret(JSON.parse(text));
  } catch {
    return invalid("not a wallet method secret (not JSON)");
  }
}

type DescribeFailure = Extract<DescribeResult, { ok: false }>;

/** The account's address, or null when viem refuses the key (its error text may quote the key: dropped). */
export function addressOf(privateKey: string): string | null {
  try {
    return privateKeyToAccount(privateKey as `0x${string}`).address;
  } catch {
    return null;
  }
}

function invalid(message: string): DescribeFailure {
  return { ok: false, code: "invalid_secret", message };
}
