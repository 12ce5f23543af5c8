// Canonical JSON (sorted keys, no undefined) and its SHA-256, for idempotency parameter matching.
import { createHash } from "node:crypto";
import { hex } from "../auth/encoding";

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return hex(new Uint8Array(digest));
}

/** The same digest computed synchronously, so a decision path needs no await before its transaction. */
export function sha256HexSync(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
