// Agent mandates: append-only versions (a PUT deactivates the current row and inserts version+1).
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { db, newId } from "../db/client";
import { currentMandateQuery, type MandateRow } from "../db/queries/tenant";
import { agents, mandates } from "../db/schema";
import { moneyView, resolveDecimals, toBaseUnitString } from "./money";
import { requireOwned } from "./owned";
import type { MandateView, PutMandateBody } from "./schemas/agents";
import { invalidateOrg } from "./tenant";
import { fieldError, notFound } from "./validate";

export function mandateView(row: MandateRow): MandateView {
  const m = (v: string | null) => (v === null ? null : moneyView(v, row.currency, row.decimals));
  return {
    id: row.id,
    agentId: row.agentId,
    version: row.version,
    active: row.active,
    currency: row.currency,
    decimals: row.decimals,
    timeZone: row.timeZone,
    budgets: {
      daily: m(row.budgetDaily),
      weekly: m(row.budgetWeekly),
      monthly: m(row.budgetMonthly),
      total: m(row.budgetTotal),
    },
    perTransactionLimit: m(row.perTransactionLimit),
    approvalThreshold: m(row.approvalThreshold),
    vendorAllow: row.vendorAllow,
    vendorDeny: row.vendorDeny,
    categories: row.categories,
    timeWindows: row.timeWindows,
    rateLimits: row.rateLimits,
    createdAt: row.createdAt,
  };
}

export async function currentMandateRow(
  env: Env,
  orgId: string,
  agentId: string,
): Promise<MandateRow | null> {
  const [row] = await currentMandateQuery(db(env), orgId, agentId);
  return row ?? null;
}

/** The current mandate of each of a page of agents (at most 90 ids: one statement), by agent id. */
export async function currentMandateRows(
  env: Env,
  orgId: string,
  agentIds: string[],
): Promise<Map<string, MandateRow>> {
  if (agentIds.length === 0) return new Map();
  if (agentIds.length > 90) throw new Error("currentMandateRows: at most 90 agents at a time");
  const rows = await db(env)
    .select()
    .from(mandates)
    .where(and(eq(mandates.orgId, orgId), inArray(mandates.agentId, agentIds), eq(mandates.active, true)))
    .orderBy(desc(mandates.version))
    .all();
  const byAgent = new Map<string, MandateRow>();
  for (const r of rows) if (!byAgent.has(r.agentId)) byAgent.set(r.agentId, r);
  return byAgent;
}

export async function currentMandate(env: Env, orgId: string, agentId: string): Promise<MandateView | null> {
  const row = await currentMandateRow(env, orgId, agentId);
  return row ? mandateView(row) : null;
}

export async function getMandate(env: Env, orgId: string, agentId: string): Promise<MandateView> {
  await requireOwned(env, agents, orgId, agentId, "Agent");
  const view = await currentMandate(env, orgId, agentId);
  if (!view) throw notFound("Mandate");
  return view;
}

export async function listMandateVersions(env: Env, orgId: string, agentId: string): Promise<MandateView[]> {
  await requireOwned(env, agents, orgId, agentId, "Agent");
  const rows = await db(env)
    .select()
    .from(mandates)
    .where(and(eq(mandates.orgId, orgId), eq(mandates.agentId, agentId)))
    .orderBy(desc(mandates.version))
    .all();
  return rows.map(mandateView);
}

/** What a mandate body stores: major amounts as base-unit strings (the same for a replay's drafts). */
export type MandateColumns = Omit<
  MandateRow,
  "id" | "orgId" | "agentId" | "version" | "active" | "createdAt"
>;

/**
 * A mandate body as the columns it is stored in; `path` prefixes the field named by a validation
 * error (a replay's draft mandates sit inside a larger body).
 */
export function mandateColumns(input: PutMandateBody, path = ""): MandateColumns {
  // The gateway loads only the current (active) row, so an "inactive" current version would vanish
  // from its view and let calls through unbudgeted. Pausing is done on the agent instead.
  if (!input.active)
    throw fieldError(`${path}active`, "set the agent's status to paused to stop its spending");
  const decimals = resolveDecimals(input.currency, input.decimals, `${path}currency`);
  const base = (v: string | number | undefined, field: string) =>
    v === undefined ? null : toBaseUnitString(v, decimals, `${path}${field}`);
  return {
    currency: input.currency,
    decimals,
    timeZone: input.timeZone,
    budgetDaily: base(input.budgets.daily, "budgets.daily"),
    budgetWeekly: base(input.budgets.weekly, "budgets.weekly"),
    budgetMonthly: base(input.budgets.monthly, "budgets.monthly"),
    budgetTotal: base(input.budgets.total, "budgets.total"),
    perTransactionLimit: base(input.perTransactionLimit, "perTransactionLimit"),
    approvalThreshold: base(input.approvalThreshold, "approvalThreshold"),
    vendorAllow: input.vendorAllow ?? null,
    vendorDeny: input.vendorDeny ?? null,
    categories: input.categories ?? null,
    timeWindows: input.timeWindows ?? null,
    rateLimits: input.rateLimits ?? null,
  };
}

export async function putMandate(
  env: Env,
  orgId: string,
  agentId: string,
  input: PutMandateBody,
  now: number,
): Promise<MandateView> {
  await requireOwned(env, agents, orgId, agentId, "Agent");
  const columns = mandateColumns(input);
  const id = newId("mdt");
  const d = db(env);
  // version is computed inside the batch (one transaction), so two writers cannot both read the same max.
  const nextVersion = sql`(select coalesce(max(${mandates.version}), 0) + 1 from ${mandates} where ${mandates.agentId} = ${agentId})`;
  await d.batch([
    d
      .update(mandates)
      .set({ active: false })
      .where(and(eq(mandates.orgId, orgId), eq(mandates.agentId, agentId))),
    d.insert(mandates).values({
      id,
      orgId,
      agentId,
      version: nextVersion,
      active: true,
      ...columns,
      createdAt: now,
    }),
  ]);
  invalidateOrg(orgId);
  const row = await db(env).select().from(mandates).where(eq(mandates.id, id)).get();
  if (!row) throw notFound("Mandate");
  return mandateView(row);
}
