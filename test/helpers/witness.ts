// What the demo upstream saw, ran and settled for one host (demo/paid-upstream/witness.ts), so a test
// asserts what the upstream did, not only what the gateway answered.
import type { Witness } from "../../demo/paid-upstream/witness";

export type { Witness };

/** A fresh upstream host for one test: its witness log starts empty. */
export function witnessHost(): string {
  return `w-${crypto.randomUUID().slice(0, 12)}.example`;
}

/** The upstream's log for `host` (the global fetch reaches the demo upstream in tests). */
export async function witness(host: string): Promise<Witness> {
  const res = await fetch(`https://${host}/_witness`);
  return (await res.json()) as Witness;
}
