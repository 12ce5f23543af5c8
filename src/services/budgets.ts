// Budget balances of one agent, read from the org's ledger over the lines its mandate and policy define.

import { AppError } from "../errors";
import { ledger } from "../ledger/client";
import { formatAmount } from "../money";
import { type CompiledPolicy, type Mandate, parseMoneyUnit } from "../policy";
import { requireAgent } from "./agents";
import { type BudgetLine, mandateLines, policyLines } from "./budget-lines";
import { currentMandateRow } from "./mandates";
import { activePolicyRow } from "./policies";
import type { BalanceView } from "./schemas/activity";
import { mandateFromRow, storedPolicy } from "./stored";

export async function agentBudgets(
  env: Env,
  orgId: string,
  agentId: string,
  now: number,
): Promise<{ agentId: string; balances: BalanceView[] }> {
  const agent = await requireAgent(env, orgId, agentId);
  const [mandate, policy] = await Promise.all([
    currentMandateRow(env, orgId, agentId),
    activePolicyRow(env, orgId),
  ]);
  const balances = await budgetBalances(
    env,
    orgId,
    mandate ? mandateFromRow(mandate, agent.name) : null,
    policy ? storedPolicy(policy) : null,
    now,
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
): Promise<BalanceView[]> {
  const lines: BudgetLine[] = [
    ...(mandate ? mandateLines(mandate) : []),
    ...(policy ? policyLines(policy) : []),
  ].slice(0, 64);
  if (lines.length === 0) return [];
  const result = await ledger(env, orgId).balances({ lines, now });
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
