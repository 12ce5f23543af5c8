// Values read back from D1 JSON columns, each parsed with its zod schema: a row written by an older
// version, or edited by hand, fails loudly here (a 500 that names the column), never deep inside a
// decision. Tenant resolution decodes once per cache fill, so the hot path pays nothing.
import type { z } from "zod";
import type { MandateRow, PolicyRow } from "../db/queries/tenant";
import { AppError } from "../errors";
import { type CompiledPolicy, CompiledPolicySchema, type Mandate, MandateSchema } from "../policy";
import { OrgSettings as OrgSettingsSchema } from "./schemas/orgs";

/** orgs.settings as stored: the same schema the admin API shows (conversions, warning threshold, inline approvals). */
export type OrgSettings = z.infer<typeof OrgSettingsSchema>;

function decode<S extends z.ZodType>(schema: S, value: unknown, column: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  const where = first ? `${first.path.join(".") || "(root)"}: ${first.message}` : "invalid";
  throw new AppError("INTERNAL", `Stored ${column} is not valid (${where})`);
}

export function orgSettings(raw: unknown): OrgSettings {
  return decode(OrgSettingsSchema, raw ?? {}, "orgs.settings");
}

export function storedPolicy(row: Pick<PolicyRow, "parsed">): CompiledPolicy {
  return decode(CompiledPolicySchema, row.parsed, "policies.parsed");
}

/** A mandate row as the policy engine's Mandate; `agentName` makes its messages readable. */
export function mandateFromRow(row: MandateRow, agentName?: string): Mandate {
  const budgets: Record<string, string> = {};
  if (row.budgetDaily) budgets.daily = row.budgetDaily;
  if (row.budgetWeekly) budgets.weekly = row.budgetWeekly;
  if (row.budgetMonthly) budgets.monthly = row.budgetMonthly;
  if (row.budgetTotal) budgets.total = row.budgetTotal;
  const optional = {
    perTransactionLimit: row.perTransactionLimit,
    approvalThreshold: row.approvalThreshold,
    vendorAllow: row.vendorAllow,
    vendorDeny: row.vendorDeny,
    categories: row.categories,
    timeWindows: row.timeWindows,
    rateLimits: row.rateLimits,
  };
  const present = Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== null && v !== ""));
  const base = { agentId: row.agentId, ...(agentName ? { agentName } : {}), active: row.active };
  const unit = { currency: row.currency, decimals: row.decimals };
  return decode(MandateSchema, { ...base, ...unit, timeZone: row.timeZone, budgets, ...present }, "mandates");
}
