import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, id } from "./columns";

/**
 * An org's Ed25519 receipt signing keys (docs/decisions/0033-receipts.md). One is active; retired
 * ones stay published in the JWKS so old receipts still verify. The private JWK is an AES-GCM
 * envelope under WALLET_KEK (wallets/secret-box.ts), bound to org and key id.
 */
export const signingKeys = sqliteTable(
  "signing_keys",
  {
    /** Also the JWS `kid`. */
    id: id(),
    orgId: text("org_id").notNull(),
    status: text("status", { enum: ["active", "retired"] })
      .notNull()
      .default("active"),
    /** The public JWK (JSON: kty OKP, crv Ed25519, x). */
    publicJwk: text("public_jwk").notNull(),
    sealedPrivate: text("sealed_private").notNull(),
    createdAt: createdAt(),
    retiredAt: integer("retired_at"),
  },
  (t) => [
    index("signing_keys_org").on(t.orgId),
    // Two writers creating a first key at once: one wins, the other reads it.
    uniqueIndex("signing_keys_one_active").on(t.orgId).where(sql`status = 'active'`),
  ],
);

/**
 * Signed decision receipts, one per final decision of a tx (allowed, denied, committed, released,
 * expired). `chain` + `seq` order them as the ledger object decided them; `prev_hash` is the
 * previous receipt's `hash` in the same chain (null for the first).
 */
export const receipts = sqliteTable(
  "receipts",
  {
    id: id(),
    orgId: text("org_id").notNull(),
    chain: text("chain").notNull(),
    seq: integer("seq").notNull(),
    txId: text("tx_id").notNull(),
    status: text("status").notNull(),
    /** sha256 hex of the JWS payload bytes. */
    hash: text("hash").notNull(),
    prevHash: text("prev_hash"),
    kid: text("kid").notNull(),
    jws: text("jws").notNull(),
    decidedAt: integer("decided_at").notNull(),
  },
  (t) => [
    uniqueIndex("receipts_chain_seq").on(t.chain, t.seq),
    index("receipts_org_decided").on(t.orgId, t.decidedAt),
    index("receipts_tx").on(t.txId),
  ],
);
