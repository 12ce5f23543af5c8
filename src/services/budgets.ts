// Budget balances of one agent, read from the org's ledger over the lines its mandate and policy define.

import { AppError } from "../errors";
import { type LedgerRoute, ledger } from "../ledger/client";
import { formatAmount } from "../money";
import { type CompiledPolicy, type Mandate, parseMoneyUnit } from "../policy";
import { requireAgent } from "./agents";
import { type BudgetLine, mandateLines, policyLines } from "./budget-lines";
import { currentMandateRow } from "./mandates";
import { requireOrg } from "./orgs";
import { activePolicyRow } from "./policies";
import type { BalanceView } from "./schemas/activity";
import { mandateFromRow, storedPolicy } from "./stored";
import { routeFor } from "./tenant";

export async function agentBudgets(
  env: Env,
  orgId: string,
  agentId: string,
  now: number,
): Promise<{ agentId: string; balances: BalanceView[] }> {
  const agent = await requireAgent(env, orgId, agentId);
  const [mandate, policy, org] = await Promise.all([
    currentMandateRow(env, orgId, agentId),
    activePolicyRow(env, orgId),
    requireOrg(env, orgId),
  ]);
  const balances = await budgetBalances(
    env,
    orgId,
    mandate ? mandateFromRow(mandate, agent.name) : null,
    policy ? storedPolicy(policy) : null,
    now,
    routeFor(org.settings, agentId),
  );
  return { agentId, balances };
}

/** Balances over the lines a mandate and a policy define, for callers that already hold both. */
export async function budgetBalances(
  env: Env,
  orgId: string,
  mandate: Mandate | null,
  policy: CompiledPolicy | null,
  now: number,
  /** a sharded org's route (balances then read every shard and the parent) */
  route?: LedgerRoute,
): Promise<BalanceView[]> {
  const lines: BudgetLine[] = [
    ...(mandate ? mandateLines(mandate) : []),
    ...(policy ? policyLines(policy) : []),
  ].slice(0, 64);
  if (lines.length === 0) return [];
  const result = await ledger(env, orgId, route).balances({ lines, now });
  if (!result.ok) throw new AppError("LEDGER_UNAVAILABLE", "The budget ledger is unavailable; try again");
  const kinds = new Map(lines.map((l) => [l.key, l.kind]));
  return result.value.map((b) => {
    const kind = kinds.get(b.key) ?? "money";
    const money = kind === "money" ? parseMoneyUnit(b.unit) : null;
    return {
      ...b,
      kind,
      currency: money?.currency ?? null,
      decimals: money?.decimals ?? null,
      display: money
        ? `${formatAmount(BigInt(b.remaining), money.decimals)} / ${formatAmount(BigInt(b.limit), money.decimals)} ${money.currency}`
        : null,
    };
  });
}
