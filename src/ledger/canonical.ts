// SHA-256 digests of canonical JSON (RFC 8785, payments/jcs.ts: the one canonical form), for
// idempotency parameter matching, argument hashes and event ids.
import { createHash } from "node:crypto";
import { hex } from "../auth/encoding";

export { canonicalJson } from "../payments/jcs";

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return hex(new Uint8Array(digest));
}

/** The same digest computed synchronously, so a decision path needs no await before its transaction. */
export function sha256HexSync(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
