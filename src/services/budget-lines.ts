// The ledger lines an agent's balances are read from. The policy engine exports no helper listing lines
// for an agent, so this rebuilds them with the engine's own key functions (src/policy/keys.ts) and the
// same windows: mandate budgets and rate limits per agent, and the policy's fixed-currency spend limits
// and counters org-wide. Session-scoped and price-currency-dependent policy lines are left out: they
// have no key until a call names its session or currency.
import type { BalanceLine } from "../ledger/types";
import { normalizeCurrency } from "../money";
import type { CompiledPolicy, Mandate } from "../policy";
import type { CompiledRule } from "../policy/compiled";
import { mandateBudgetKey, mandateRateKey, moneyUnit, policySpendKey } from "../policy/keys";

const BUDGET_WINDOWS = [
  ["daily", "day"],
  ["weekly", "week"],
  ["monthly", "month"],
  ["total", "total"],
] as const;
const SPEND_WINDOWS = {
  hourly: "hour",
  daily: "day",
  weekly: "week",
  monthly: "month",
  total: "total",
} as const;

export type BudgetLine = BalanceLine & { timeZone: string };

export function mandateLines(m: Mandate): BudgetLine[] {
  const unit = moneyUnit(normalizeCurrency(m.currency), m.decimals);
  const lines: BudgetLine[] = [];
  for (const [field, window] of BUDGET_WINDOWS) {
    const limit = m.budgets[field];
    if (limit === undefined) continue;
    lines.push(
      line(
        mandateBudgetKey(m.agentId, field, unit),
        `${field} budget`,
        window,
        m.timeZone,
        limit,
        unit,
        "money",
      ),
    );
  }
  const rates = new Map<string, number>();
  for (const r of m.rateLimits ?? []) rates.set(r.window, Math.min(rates.get(r.window) ?? r.count, r.count));
  for (const [window, count] of rates) {
    const label = `${count} calls per ${window}`;
    lines.push(
      line(
        mandateRateKey(m.agentId, window),
        label,
        window as BudgetLine["window"],
        m.timeZone,
        String(count),
        "calls",
        "count",
      ),
    );
  }
  return lines;
}

export function policyLines(p: CompiledPolicy): BudgetLine[] {
  const rules: CompiledRule[] = [
    ...Object.values(p.exact).flat(),
    ...p.globs.flatMap((g) => g.rules),
    ...p.wildcard,
  ];
  const byKey = new Map<string, BudgetLine>();
  const add = (l: BudgetLine) => {
    if (!byKey.has(l.key)) byKey.set(l.key, l);
  };
  for (const rule of rules) {
    for (const c of rule.counterChecks)
      add(line(c.key, c.label, c.window, p.timeZone, c.limit, c.unit, "count"));
    const st = rule.state;
    if (st && st.limit !== null)
      add(line(st.key, st.label, st.window, p.timeZone, st.limit, st.unit, "count"));
    if (!p.currency) continue;
    const unit = moneyUnit(p.currency.code, p.currency.decimals);
    for (const lim of rule.spend) {
      if (lim.field === "per_call" || lim.field === "session" || lim.base === null) continue;
      const label = `${lim.field} spend of rule "${rule.name}" on ${rule.tool}`;
      add(
        line(
          policySpendKey(rule.scope, rule.name, lim.field, unit),
          label,
          SPEND_WINDOWS[lim.field],
          p.timeZone,
          lim.base,
          unit,
          "money",
        ),
      );
    }
  }
  return [...byKey.values()];
}

function line(
  key: string,
  label: string,
  window: BudgetLine["window"],
  timeZone: string,
  limit: string,
  unit: string,
  kind: "money" | "count",
): BudgetLine {
  return { key, label, window, timeZone, limit, unit, kind, overage: "reject", overdraftLimit: "0" };
}
