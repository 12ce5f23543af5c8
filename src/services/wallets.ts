// Org wallets: created with their caps, given payment methods whose secrets are sealed at once
// (AES-GCM under WALLET_KEK, bound to org, wallet and method ids) and never returned.
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import { db, newId } from "../db/client";
import { agents, walletMethods, wallets } from "../db/schema";
import { config } from "../env";
import { AppError } from "../errors";
import {
  describeMethod,
  encryptSecret,
  type Keyring,
  parseKeyring,
  reencrypt,
  serializeMethodSecret,
} from "../wallets";
import { moneyView, resolveDecimals, toBaseUnitString } from "./money";
import { requireOwned } from "./owned";
import { afterCursor, idChunks, pageOf, pageOrder } from "./pages";
import type {
  AddMethodBody,
  CreateWalletBody,
  UpdateWalletBody,
  WalletMethodView,
  WalletView,
} from "./schemas/wallets";
import { invalidateOrg } from "./tenant";
import { fieldError } from "./validate";

type WalletRow = typeof wallets.$inferSelect;
type MethodRow = typeof walletMethods.$inferSelect;

/** The deployment's keyring, or NOT_CONFIGURED: without it no secret can be sealed or opened. */
export function walletKeyring(env: Env): Keyring {
  const text = config(env).WALLET_KEK;
  if (!text) throw new AppError("NOT_CONFIGURED", "Wallets need the WALLET_KEK secret (docs/wallets.md)");
  const parsed = parseKeyring(text);
  if (!parsed.ok)
    throw new AppError("NOT_CONFIGURED", `WALLET_KEK is not a valid keyring: ${parsed.message}`);
  return parsed.keyring;
}

function methodView(row: MethodRow): WalletMethodView {
  return { id: row.id, kind: row.kind, address: row.address, createdAt: row.createdAt };
}

function walletView(row: WalletRow, methods: MethodRow[]): WalletView {
  const cap = (v: string | null) => (v === null ? null : moneyView(v, row.capCurrency, row.capDecimals));
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    caps: { daily: cap(row.capDaily), total: cap(row.capTotal) },
    methods: methods.map(methodView),
    createdAt: row.createdAt,
  };
}

function capColumns(caps: CreateWalletBody["caps"]) {
  const decimals = resolveDecimals(caps.currency, caps.decimals, "caps.decimals");
  const units = (v: string | number | null | undefined, path: string) =>
    v === undefined || v === null ? null : toBaseUnitString(v, decimals, path);
  return {
    capCurrency: caps.currency,
    capDecimals: decimals,
    capDaily: units(caps.daily, "caps.daily"),
    capTotal: units(caps.total, "caps.total"),
  };
}

async function methodsOf(env: Env, orgId: string, walletId: string): Promise<MethodRow[]> {
  return db(env)
    .select()
    .from(walletMethods)
    .where(and(eq(walletMethods.orgId, orgId), eq(walletMethods.walletId, walletId)))
    .orderBy(asc(walletMethods.createdAt), asc(walletMethods.id))
    .all();
}

async function nameFree(env: Env, orgId: string, name: string, exceptId: string | null) {
  const clash = await db(env)
    .select({ id: wallets.id })
    .from(wallets)
    .where(and(eq(wallets.orgId, orgId), eq(wallets.name, name)))
    .get();
  if (clash && clash.id !== exceptId) throw new AppError("CONFLICT", `A wallet named "${name}" exists`);
}

export async function createWallet(env: Env, orgId: string, input: CreateWalletBody, now: number) {
  await nameFree(env, orgId, input.name, null);
  const id = newId("wal");
  await db(env)
    .insert(wallets)
    .values({ id, orgId, name: input.name, ...capColumns(input.caps), createdAt: now })
    .run();
  return getWallet(env, orgId, id);
}

/** One page of the org's wallets, oldest first (index wallets_org_time), with their methods. */
export async function listWallets(
  env: Env,
  orgId: string,
  q: { cursor?: string | undefined; limit: number },
): Promise<{ data: WalletView[]; nextCursor: string | null }> {
  const rows = await db(env)
    .select()
    .from(wallets)
    .where(and(eq(wallets.orgId, orgId), afterCursor(wallets, q.cursor, "asc")))
    .orderBy(...pageOrder(wallets, "asc"))
    .limit(q.limit + 1)
    .all();
  const page = pageOf(rows, q.limit);
  return { data: await withMethods(env, orgId, page.rows), nextCursor: page.nextCursor };
}

/** The org's wallets among `ids` (the ones a page names), by primary key; unknown ids are left out. */
export async function walletsByIds(env: Env, orgId: string, ids: Iterable<string>): Promise<WalletView[]> {
  const d = db(env);
  const [first, ...rest] = idChunks(ids).map((c) =>
    d
      .select()
      .from(wallets)
      .where(and(eq(wallets.orgId, orgId), inArray(wallets.id, c))),
  );
  if (!first) return [];
  return withMethods(env, orgId, (await d.batch([first, ...rest])).flat());
}

/** The methods of these wallets only (index wallet_methods_wallet), never every method of the org. */
async function withMethods(env: Env, orgId: string, rows: WalletRow[]): Promise<WalletView[]> {
  const d = db(env);
  const [first, ...rest] = idChunks(rows.map((w) => w.id)).map((c) =>
    d
      .select()
      .from(walletMethods)
      .where(and(eq(walletMethods.orgId, orgId), inArray(walletMethods.walletId, c)))
      .orderBy(asc(walletMethods.createdAt), asc(walletMethods.id)),
  );
  const methods = first ? (await d.batch([first, ...rest])).flat() : [];
  return rows.map((w) =>
    walletView(
      w,
      methods.filter((m) => m.walletId === w.id),
    ),
  );
}

export async function getWallet(env: Env, orgId: string, id: string): Promise<WalletView> {
  const row = await requireOwned(env, wallets, orgId, id, "Wallet");
  return walletView(row, await methodsOf(env, orgId, id));
}

export async function updateWallet(env: Env, orgId: string, id: string, input: UpdateWalletBody) {
  await requireOwned(env, wallets, orgId, id, "Wallet");
  if (input.name !== undefined) await nameFree(env, orgId, input.name, id);
  await db(env)
    .update(wallets)
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
      ...(input.caps ? capColumns(input.caps) : {}),
    })
    .where(and(eq(wallets.orgId, orgId), eq(wallets.id, id)))
    .run();
  invalidateOrg(orgId);
  return getWallet(env, orgId, id);
}

/** Refused while an agent pays with it: switch those agents first. */
export async function deleteWallet(env: Env, orgId: string, id: string) {
  await requireOwned(env, wallets, orgId, id, "Wallet");
  const user = await db(env)
    .select({ name: agents.name })
    .from(agents)
    .where(and(eq(agents.orgId, orgId), eq(agents.walletId, id)))
    .get();
  if (user) throw new AppError("CONFLICT", `Agent "${user.name}" pays with this wallet`);
  const d = db(env);
  await d.batch([
    d.delete(walletMethods).where(and(eq(walletMethods.orgId, orgId), eq(walletMethods.walletId, id))),
    d.delete(wallets).where(and(eq(wallets.orgId, orgId), eq(wallets.id, id))),
  ]);
  invalidateOrg(orgId);
  return { id, deleted: true as const };
}

/** Seals the secret before anything is stored; the answer shows only kind and address. */
export async function addMethod(
  env: Env,
  orgId: string,
  walletId: string,
  input: AddMethodBody,
  now: number,
) {
  await requireOwned(env, wallets, orgId, walletId, "Wallet");
  const keyring = walletKeyring(env);
  const described = describeMethod(input.secret);
  if (!described.ok) throw fieldError("secret", described.message);
  const id = newId("wpm");
  const secret = await encryptSecret(
    keyring,
    { orgId, walletId, methodId: id },
    serializeMethodSecret(input.secret),
  );
  const { kind, address } = described.description;
  await db(env)
    .insert(walletMethods)
    .values({ id, orgId, walletId, kind, address, secret, createdAt: now })
    .run();
  invalidateOrg(orgId);
  return getWallet(env, orgId, walletId);
}

export async function deleteMethod(env: Env, orgId: string, walletId: string, methodId: string) {
  await requireOwned(env, wallets, orgId, walletId, "Wallet");
  const row = await requireOwned(env, walletMethods, orgId, methodId, "Payment method");
  if (row.walletId !== walletId) throw new AppError("NOT_FOUND", "Payment method not found");
  await db(env)
    .delete(walletMethods)
    .where(and(eq(walletMethods.orgId, orgId), eq(walletMethods.id, methodId)))
    .run();
  invalidateOrg(orgId);
  return getWallet(env, orgId, walletId);
}

/**
 * Key rotation: every envelope not under the current kid is opened with its own and sealed under
 * the current one. Run after adding a new key first in WALLET_KEK; then the old key can be removed.
 */
export async function rotateWalletSecrets(env: Env): Promise<{ rotated: number; failed: number }> {
  const keyring = walletKeyring(env);
  let rotated = 0;
  let failed = 0;
  // A page of methods at a time, by primary key: the deployment's methods are never all in memory.
  for (let after = ""; ; ) {
    const rows = await db(env)
      .select()
      .from(walletMethods)
      .where(gt(walletMethods.id, after))
      .orderBy(asc(walletMethods.id))
      .limit(100)
      .all();
    const last = rows[rows.length - 1];
    if (!last) break;
    after = last.id;
    const r = await rotatePage(env, keyring, rows);
    rotated += r.rotated;
    failed += r.failed;
  }
  return { rotated, failed };
}

async function rotatePage(env: Env, keyring: Keyring, rows: MethodRow[]) {
  let rotated = 0;
  let failed = 0;
  for (const row of rows) {
    const binding = { orgId: row.orgId, walletId: row.walletId, methodId: row.id };
    const r = await reencrypt(keyring, binding, row.secret);
    if (!r.ok) failed++;
    else if (r.rotated) {
      await db(env)
        .update(walletMethods)
        .set({ secret: r.envelope })
        .where(eq(walletMethods.id, row.id))
        .run();
      rotated++;
    }
  }
  return { rotated, failed };
}
