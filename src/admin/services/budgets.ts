// Budget balances of one agent, read from the org's ledger over the lines its mandate and policy define.

import { AppError } from "../../errors";
import { callLedger, ledgerFor } from "../../ledger/client";
import { mandateFromRow } from "../../mcp/mandate-row";
import { formatAmount } from "../../money";
import type { CompiledPolicy } from "../../policy";
import type { BalanceView } from "../schemas/activity";
import { requireAgent } from "./agents";
import { type BudgetLine, mandateLines, policyLines } from "./budget-lines";
import { currentMandateRow } from "./mandates";
import { activePolicyRow } from "./policies";

export async function agentBudgets(
  env: Env,
  orgId: string,
  agentId: string,
  now: number,
): Promise<{ agentId: string; balances: BalanceView[] }> {
  await requireAgent(env, orgId, agentId);
  const [mandate, policy] = await Promise.all([
    currentMandateRow(env, orgId, agentId),
    activePolicyRow(env, orgId),
  ]);
  const lines: BudgetLine[] = [
    ...(mandate ? mandateLines(mandateFromRow(mandate)) : []),
    ...(policy ? policyLines(policy.parsed as CompiledPolicy) : []),
  ].slice(0, 64);
  if (lines.length === 0) return { agentId, balances: [] };
  const result = await callLedger(() => ledgerFor(env, orgId).balances({ lines, now }));
  if (!result.ok) throw new AppError("LEDGER_UNAVAILABLE", "The budget ledger is unavailable; try again");
  const kinds = new Map(lines.map((l) => [l.key, l.kind]));
  return {
    agentId,
    balances: result.value.map((b) => {
      const kind = kinds.get(b.key) ?? "money";
      const money = kind === "money" ? /^(.+)\/(\d+)$/.exec(b.unit) : null;
      const decimals = money ? Number(money[2]) : null;
      const currency = money?.[1] ?? null;
      return {
        ...b,
        kind,
        currency,
        decimals,
        display:
          currency !== null && decimals !== null
            ? `${formatAmount(BigInt(b.remaining), decimals)} / ${formatAmount(BigInt(b.limit), decimals)} ${currency}`
            : null,
      };
    }),
  };
}
