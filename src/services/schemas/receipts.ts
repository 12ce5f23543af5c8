// Receipts (signed decision records), signing keys and the audit export's query.
import { z } from "zod";
import { EpochMs, TimeParam } from "./common";

export const ReceiptView = z.object({
  id: z.string(),
  chain: z.string().describe("the ledger chain this receipt belongs to (one per ledger object)"),
  seq: z.number().int(),
  status: z.string(),
  kid: z.string(),
  hash: z.string().describe("sha256 hex of the JWS payload"),
  prevHash: z.string().nullable(),
  decidedAt: EpochMs,
  jws: z.string().describe("compact JWS, EdDSA (Ed25519); verify with the org's JWKS"),
});
export type ReceiptView = z.infer<typeof ReceiptView>;

export const SigningKeyView = z.object({
  kid: z.string(),
  status: z.enum(["active", "retired"]),
  publicJwk: z.record(z.string(), z.unknown()),
  createdAt: EpochMs,
  retiredAt: EpochMs.nullable(),
});
export type SigningKeyView = z.infer<typeof SigningKeyView>;

/** The most an export may cover in one request. */
export const MAX_EXPORT_MS = 31 * 86_400_000;

export const ExportQuery = z
  .strictObject({
    from: TimeParam.describe("inclusive lower bound on decidedAt"),
    to: TimeParam.describe("exclusive upper bound on decidedAt"),
  })
  .refine((q) => q.to > q.from && q.to - q.from <= MAX_EXPORT_MS, {
    message: "to must be after from, at most 31 days later",
    path: ["to"],
  });
export type ExportQuery = z.infer<typeof ExportQuery>;
