// Per-org Ed25519 receipt signing keys in D1 `signing_keys`: created with the org (or on first use),
// rotated on demand; the private JWK sealed under WALLET_KEK (wallets/secret-box.ts), bound to the
// org and key id. Public keys are served as JWKS (never the private half).
import { exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import { newId } from "../db/client";
import { config } from "../env";
import { type Keyring, parseKeyring } from "../wallets/keyring";
import { decryptSecret, encryptSecret, type SecretBinding } from "../wallets/secret-box";

export const RECEIPT_ALG = "EdDSA";

export type PublicKeyRow = {
  id: string;
  org_id: string;
  status: string;
  public_jwk: string;
  created_at: number;
  retired_at: number | null;
};
export type Signer = { kid: string; key: CryptoKey };

/** The binding a signing key's envelope is sealed with: a wallet secret envelope cannot open as one. */
function binding(orgId: string, kid: string): SecretBinding {
  return { orgId, walletId: "receipt-signing-key", methodId: kid };
}

/** The deployment's keyring, or null when WALLET_KEK is not set (receipts then stay unsigned in the ledger). */
export function receiptKeyring(env: Env): Keyring | null {
  const text = config(env).WALLET_KEK;
  if (!text) return null;
  const parsed = parseKeyring(text);
  return parsed.ok ? parsed.keyring : null;
}

/** A fresh key pair: the public JWK (with kid, alg, use) and the sealed private JWK. */
async function newKeyRow(keyring: Keyring, orgId: string) {
  const kid = newId("rk");
  const pair = await generateKeyPair(RECEIPT_ALG, { crv: "Ed25519", extractable: true });
  const pub = { ...(await exportJWK(pair.publicKey)), kid, alg: RECEIPT_ALG, use: "sig" };
  const priv = await exportJWK(pair.privateKey);
  const sealed = await encryptSecret(keyring, binding(orgId, kid), JSON.stringify(priv));
  return { kid, pub: JSON.stringify(pub), sealed };
}

const INSERT_ACTIVE = `INSERT INTO signing_keys (id, org_id, status, public_jwk, sealed_private, created_at)
  VALUES (?, ?, 'active', ?, ?, ?) ON CONFLICT DO NOTHING`;

/** Make sure the org has an active key (idempotent; a concurrent creator wins, its key is kept). */
export async function ensureSigningKey(env: Env, orgId: string, now: number): Promise<boolean> {
  const keyring = receiptKeyring(env);
  if (!keyring) return false;
  const row = await env.DB.prepare("SELECT id FROM signing_keys WHERE org_id = ? AND status = 'active'")
    .bind(orgId)
    .first();
  if (row) return true;
  const k = await newKeyRow(keyring, orgId);
  await env.DB.prepare(INSERT_ACTIVE).bind(k.kid, orgId, k.pub, k.sealed, now).run();
  return true;
}

/** Retire the active key (it stays in the JWKS) and make a new one active, in one D1 batch. */
export async function rotateSigningKey(env: Env, orgId: string, now: number): Promise<string | null> {
  const keyring = receiptKeyring(env);
  if (!keyring) return null;
  const k = await newKeyRow(keyring, orgId);
  await env.DB.batch([
    env.DB.prepare(
      "UPDATE signing_keys SET status = 'retired', retired_at = ? WHERE org_id = ? AND status = 'active'",
    ).bind(now, orgId),
    env.DB.prepare(INSERT_ACTIVE).bind(k.kid, orgId, k.pub, k.sealed, now),
  ]);
  return k.kid;
}

/** The org's active signer (creating the first key if the org predates receipts); null without a KEK. */
export async function activeSigner(env: Env, orgId: string, now: number): Promise<Signer | null> {
  const keyring = receiptKeyring(env);
  if (!keyring) return null;
  await ensureSigningKey(env, orgId, now);
  const row = await env.DB.prepare(
    "SELECT id, sealed_private FROM signing_keys WHERE org_id = ? AND status = 'active'",
  )
    .bind(orgId)
    .first<{ id: string; sealed_private: string }>();
  if (!row) throw new Error(`org ${orgId} has no active signing key`);
  const opened = await decryptSecret(keyring, binding(orgId, row.id), row.sealed_private);
  if (!opened.ok) throw new Error(`signing key ${row.id} does not open: ${opened.code}`);
  const key = await importJWK(JSON.parse(opened.plaintext) as JWK, RECEIPT_ALG);
  if (!(key instanceof CryptoKey)) throw new Error("signing key imported as raw bytes");
  return { kid: row.id, key };
}

/** Public JWKs of one org (or every org), active and retired, oldest first. */
export async function publicJwks(env: Env, orgId: string | null): Promise<JWK[]> {
  const q = orgId
    ? env.DB.prepare("SELECT public_jwk FROM signing_keys WHERE org_id = ? ORDER BY created_at, id").bind(
        orgId,
      )
    : env.DB.prepare("SELECT public_jwk FROM signing_keys ORDER BY created_at, id");
  const { results } = await q.all<{ public_jwk: string }>();
  return results.map((r) => JSON.parse(r.public_jwk) as JWK);
}

export async function listSigningKeys(env: Env, orgId: string): Promise<PublicKeyRow[]> {
  const { results } = await env.DB.prepare(
    "SELECT id, org_id, status, public_jwk, created_at, retired_at FROM signing_keys WHERE org_id = ? ORDER BY created_at, id",
  )
    .bind(orgId)
    .all<PublicKeyRow>();
  return results;
}
