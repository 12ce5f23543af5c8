// A D1 mandate row as the policy engine's Mandate.
import type { MandateRow } from "../db/queries/tenant";
import type { Mandate } from "../policy";

export function mandateFromRow(row: MandateRow): Mandate {
  const budgets: Mandate["budgets"] = {};
  if (row.budgetDaily) budgets.daily = row.budgetDaily;
  if (row.budgetWeekly) budgets.weekly = row.budgetWeekly;
  if (row.budgetMonthly) budgets.monthly = row.budgetMonthly;
  if (row.budgetTotal) budgets.total = row.budgetTotal;
  return {
    agentId: row.agentId,
    active: row.active,
    currency: row.currency,
    decimals: row.decimals,
    timeZone: row.timeZone,
    budgets,
    ...(row.perTransactionLimit ? { perTransactionLimit: row.perTransactionLimit } : {}),
    ...(row.approvalThreshold ? { approvalThreshold: row.approvalThreshold } : {}),
    ...(row.vendorAllow ? { vendorAllow: row.vendorAllow } : {}),
    ...(row.vendorDeny ? { vendorDeny: row.vendorDeny } : {}),
    ...(row.categories ? { categories: row.categories } : {}),
    ...(row.timeWindows ? { timeWindows: row.timeWindows as Mandate["timeWindows"] } : {}),
    ...(row.rateLimits ? { rateLimits: row.rateLimits as Mandate["rateLimits"] } : {}),
  } as Mandate;
}
