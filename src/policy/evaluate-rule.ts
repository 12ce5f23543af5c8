// Judges one policy rule against a call: conditions, counters (as ledger count lines) and spend limits.
import { formatAmount, toBaseUnits } from "../money/decimal";
import type { CompiledCondition, CompiledPolicy, CompiledRule } from "./compiled";
import { NO_SESSION, policySpendKey } from "./keys";
import { isUndecided, numericValue, show, testCondition, type Undecided } from "./operators";
import { type CallView, resolveArgs } from "./paths";
import { type BudgetResult, FIELD_WINDOW, limitIn, showMoney } from "./spend";
import type { Denial, ScopeLine } from "./types";

export type RuleEval = {
  passed: boolean;
  reason: string;
  denial: Denial | null;
  lines: ScopeLine[];
  /** The per-call cap was exceeded but an approval rule covers this call: needs approval, not a deny. */
  escalated: boolean;
};

export type RuleEnv = {
  policy: CompiledPolicy;
  view: CallView;
  budget: () => BudgetResult | null;
  approvalTriggered: CompiledRule | null;
  approved: boolean;
};

const isSpendPath = (c: CompiledCondition) => c.root.startsWith("spend.");

/** true / false, "skip" for spend.* paths before the call has a price, or undecided (callers refuse). */
export function conditionHolds(c: CompiledCondition, view: CallView): boolean | "skip" | Undecided {
  if (isSpendPath(c) && view.call.price === null) return "skip";
  return testCondition(c, view.resolve(c.root, c.seg));
}

/** Plain-language refusal for a condition that could not be judged. */
export function undecidedReason(rule: CompiledRule, c: CompiledCondition, u: Undecided): string {
  return `Rule "${rule.name}" cannot judge ${c.path} (${c.op} ${show(c.value)}): ${u.undecided}, so the call is refused`;
}

/**
 * Do all conditions hold (the trigger of a require_approval rule)? One false (or skipped) condition
 * settles it; otherwise an undecided one is returned so the caller refuses rather than guessing.
 */
export function allConditionsHold(rule: CompiledRule, view: CallView): true | false | Undecided {
  let undecided: { c: CompiledCondition; u: Undecided } | null = null;
  for (const c of rule.conditions) {
    const holds = conditionHolds(c, view);
    if (isUndecided(holds)) undecided ??= { c, u: holds };
    else if (holds !== true) return false; // "skip": judged again once the call has a price
  }
  return undecided ? { undecided: undecidedReason(rule, undecided.c, undecided.u) } : true;
}

function deny(
  rule: CompiledRule,
  code: Denial["code"],
  fallback: string,
  extra: Partial<Denial> = {},
): RuleEval {
  const message = rule.onDeny ?? fallback;
  return {
    passed: false,
    reason: fallback,
    denial: { code, rule: rule.name, source: "policy", message, ...extra },
    lines: [],
    escalated: false,
  };
}

function counterIncrement(rule: CompiledRule, view: CallView): bigint | string {
  const st = rule.state;
  if (!st) return 0n;
  if (st.incrementFrom === null) return BigInt(st.increment);
  const raw = resolveArgs(view.call.args, st.incrementFrom);
  const n = typeof raw === "boolean" ? null : numericValue(raw);
  if (n === null) return `${st.incrementFromPath} is ${show(raw)}, not a number`;
  if (n.coef < 0n) return `${st.incrementFromPath} is negative (${show(raw)})`;
  // Beyond the counter's fixed-point digits the increment rounds up, so nothing is under-counted.
  const scaled = toBaseUnits(n, st.scale, "up");
  return scaled.ok ? scaled.value : `${st.incrementFromPath} cannot be counted`;
}

function counterLines(rule: CompiledRule, env: RuleEnv, increment: bigint): ScopeLine[] {
  const tz = env.policy.timeZone;
  const message = rule.onDeny ? { message: rule.onDeny } : {};
  const lines: ScopeLine[] = rule.counterChecks.map((c) => ({
    key: c.key,
    label: c.label,
    window: c.window,
    timeZone: tz,
    limit: c.limit,
    amount: "0",
    unit: c.unit,
    kind: "count",
    ...message,
  }));
  const st = rule.state;
  if (st && st.limit !== null) {
    lines.push({
      key: st.key,
      label: st.label,
      window: st.window,
      timeZone: tz,
      limit: st.limit,
      amount: increment.toString(),
      unit: st.unit,
      kind: "count",
      ...message,
    });
  }
  return lines;
}

function spendCheck(
  rule: CompiledRule,
  env: RuleEnv,
): RuleEval | { lines: ScopeLine[]; note: string; escalated: boolean } {
  const call = env.view.call;
  if (rule.spend.length === 0) return { lines: [], note: "", escalated: false };
  if (call.price === null) return { lines: [], note: "; spend limits wait for the price", escalated: false };
  const budget = env.budget();
  if (budget === null || !budget.ok) {
    const why = budget?.error ?? "no price";
    const code = call.price.amount < 0n ? "price_unknown" : "currency_unconvertible";
    return deny(
      rule,
      code,
      `Rule "${rule.name}" cannot judge a price of ${call.price.amount} ${call.price.currency}: ${why}`,
    );
  }
  const b = budget.amount;
  const lines: ScopeLine[] = [];
  let note = "";
  let escalated = false;
  for (const lim of rule.spend) {
    const limit = limitIn(lim.major, lim.base, b.decimals);
    if (lim.field === "per_call") {
      if (b.value <= limit) continue;
      const over = `price ${showMoney(b.value, b)} is over the per-call limit of ${showMoney(limit, b)}`;
      if (env.approvalTriggered && env.approved) {
        note += `; ${over}, allowed by a human approval`;
      } else if (env.approvalTriggered) {
        note += `; ${over}, escalated to approval rule "${env.approvalTriggered.name}"`;
        escalated = true;
      } else {
        return deny(rule, "per_call_limit", `Rule "${rule.name}" refused ${call.tool}: ${over}`, {
          limit: limit.toString(),
          currency: b.currency,
          decimals: b.decimals,
        });
      }
      continue;
    }
    if (b.value === 0n) continue;
    const session = lim.field === "session" ? (call.sessionId ?? NO_SESSION) : undefined;
    lines.push({
      key: policySpendKey(rule.scope, rule.name, lim.field, b.unit, session),
      label: `${lim.field} spend of rule "${rule.name}" on ${rule.tool} (limit ${formatAmount(limit, b.decimals)} ${b.currency})`,
      window: FIELD_WINDOW[lim.field],
      timeZone: env.policy.timeZone,
      limit: limit.toString(),
      amount: b.value.toString(),
      unit: b.unit,
      kind: "money",
    });
  }
  return { lines, note, escalated };
}

export function evaluateRule(rule: CompiledRule, env: RuleEnv): RuleEval {
  for (const c of rule.conditions) {
    const holds = conditionHolds(c, env.view);
    // An over-long argument must never pass a condition it might have failed.
    if (isUndecided(holds)) return deny(rule, "condition_failed", undecidedReason(rule, c, holds));
    if (holds === false) {
      const actual = show(env.view.resolve(c.root, c.seg));
      return deny(
        rule,
        "condition_failed",
        `Rule "${rule.name}": ${c.path} is ${actual}, needs ${c.op} ${show(c.value)}`,
      );
    }
  }
  const increment = counterIncrement(rule, env.view);
  if (typeof increment === "string") {
    return deny(rule, "invalid_increment", `Rule "${rule.name}" cannot count this call: ${increment}`);
  }
  const spend = spendCheck(rule, env);
  if ("denial" in spend) return spend;
  const lines = [...counterLines(rule, env, increment), ...spend.lines];
  const counted = lines.length > 0 ? "; limits reserved in the ledger" : "";
  return {
    passed: !spend.escalated,
    reason: `Rule "${rule.name}" holds${spend.note}${counted}`,
    denial: null,
    lines,
    escalated: spend.escalated,
  };
}
