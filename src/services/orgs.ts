// Orgs: create (with a first org admin key), list, read and update settings.
import { desc, eq } from "drizzle-orm";
import { db, newId } from "../db/client";
import type { OrgRow } from "../db/queries/tenant";
import { orgs } from "../db/schema";
import { AlertsConfig } from "../events";
import { checkRate, normalizeCurrency } from "../money";
import { ensureSigningKey } from "../receipts/signing-keys";
import { createKey } from "./keys";
import type { CreatedKeyView, CreateOrgBody, OrgView, UpdateOrgBody } from "./schemas/orgs";
import { type OrgSettings, orgSettings } from "./stored";
import { invalidateOrg, ledgerShardsOf } from "./tenant";
import { fieldError, notFound } from "./validate";

type UpdateOrgAlerts = NonNullable<UpdateOrgBody["settings"]>["alerts"];

export function orgView(row: OrgRow): OrgView {
  return {
    id: row.id,
    name: row.name,
    timeZone: row.timeZone,
    settings: orgSettings(row.settings),
    createdAt: row.createdAt,
  };
}

export async function requireOrg(env: Env, orgId: string): Promise<OrgRow> {
  const row = await db(env).select().from(orgs).where(eq(orgs.id, orgId)).get();
  if (!row) throw notFound("Org");
  return row;
}

export async function createOrg(
  env: Env,
  input: CreateOrgBody,
  now: number,
): Promise<{ org: OrgView; key: CreatedKeyView }> {
  const id = newId("org");
  await db(env)
    .insert(orgs)
    .values({ id, name: input.name, timeZone: input.timeZone, settings: {}, createdAt: now })
    .run();
  const key = await createKey(env, id, { scope: "admin", name: "first admin key" }, now);
  // Its receipt signing key (without WALLET_KEK none; receipts then wait unsigned in the ledger).
  await ensureSigningKey(env, id, now);
  return { org: orgView(await requireOrg(env, id)), key };
}

export async function listOrgs(env: Env): Promise<OrgView[]> {
  const rows = await db(env).select().from(orgs).orderBy(desc(orgs.createdAt), desc(orgs.id)).all();
  return rows.map(orgView);
}

export async function getOrg(env: Env, orgId: string): Promise<OrgView> {
  return orgView(await requireOrg(env, orgId));
}

/** The stored alerts with the update's fields on top, checked whole (bounds, baseline vs window). */
function mergedAlerts(
  current: OrgSettings["alerts"],
  update: NonNullable<UpdateOrgAlerts>,
): OrgSettings["alerts"] {
  const parsed = AlertsConfig.safeParse({
    velocity: { ...current.velocity, ...update.velocity },
    newPayee: { ...current.newPayee, ...update.newPayee },
  });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw fieldError(`settings.alerts.${issue.path.join(".")}`, issue.message);
}

export async function updateOrg(env: Env, orgId: string, input: UpdateOrgBody): Promise<OrgView> {
  const row = await requireOrg(env, orgId);
  const settings = orgSettings(row.settings);
  if (input.settings?.conversions) {
    settings.conversions = input.settings.conversions.map((c, i) => {
      const bad = checkRate(c.rate);
      if (bad) throw fieldError(`settings.conversions[${i}].rate`, bad);
      return { from: normalizeCurrency(c.from), to: normalizeCurrency(c.to), rate: c.rate };
    });
  }
  if (input.settings?.budgetWarningThreshold !== undefined) {
    settings.budgetWarningThreshold = input.settings.budgetWarningThreshold;
  }
  if (input.settings?.inlineApprovals !== undefined) {
    settings.inlineApprovals = input.settings.inlineApprovals;
  }
  if (input.settings?.requireOAuth !== undefined) settings.requireOAuth = input.settings.requireOAuth;
  if (input.settings?.alerts) settings.alerts = mergedAlerts(settings.alerts, input.settings.alerts);
  // The ledger shard count is not an API setting (changing it moves agents' counters), but a settings
  // update must never drop it: the org would fall back to one object and lose its shards' counters.
  const shards = ledgerShardsOf(row.settings);
  await db(env)
    .update(orgs)
    .set({
      settings: shards > 1 ? { ...settings, ledgerShards: shards } : settings,
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.timeZone !== undefined ? { timeZone: input.timeZone } : {}),
    })
    .where(eq(orgs.id, orgId))
    .run();
  invalidateOrg(orgId);
  return getOrg(env, orgId);
}
