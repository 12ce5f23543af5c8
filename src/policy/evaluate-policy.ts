// The policy side of a decision, in Intercept's order: hide list, default deny, then the tool's own
// rules, matching globs (most specific first) and "*" rules; the first failing rule decides.
import type { ConversionTable } from "../money/convert";
import type { CompiledPolicy, CompiledRule } from "./compiled";
import { allConditionsHold, evaluateRule, type RuleEnv } from "./evaluate-rule";
import { globMatch } from "./glob";
import type { Outcome } from "./outcome";
import type { CallView } from "./paths";
import { type BudgetResult, priceIn } from "./spend";
import type { Denial, RuleResult, ScopeLine } from "./types";

export function isToolVisible(policy: CompiledPolicy, tool: string): boolean {
  const h = policy.hide;
  return !(h.all || h.names.includes(tool) || h.patterns.some((p) => globMatch(p, tool)));
}

export function hiddenTools(policy: CompiledPolicy): { all: boolean; names: string[]; patterns: string[] } {
  return { all: policy.hide.all, names: [...policy.hide.names], patterns: [...policy.hide.patterns] };
}

export function rulesFor(policy: CompiledPolicy, tool: string): { rules: CompiledRule[]; listed: boolean } {
  const rules: CompiledRule[] = [];
  let listed = false;
  if (Object.hasOwn(policy.exact, tool)) {
    listed = true;
    rules.push(...(policy.exact[tool] ?? []));
  }
  for (const g of policy.globs) {
    if (globMatch(g.pattern, tool)) {
      listed = true;
      rules.push(...g.rules);
    }
  }
  rules.push(...policy.wildcard);
  return { rules, listed };
}

/** An approval rule applies when all its conditions hold; spend conditions wait for the price. */
function approvalApplies(rule: CompiledRule, view: CallView): boolean {
  return allConditionsHold(rule, view) === true;
}

/** approved: per-call caps escalated to approval are lifted; approvedRules: approval rules pass. */
type PolicyOpts = { approved: boolean; approvedRules: boolean; conversions: ConversionTable };

function structuralDenial(policy: CompiledPolicy, tool: string, listed: boolean): Denial | null {
  if (!isToolVisible(policy, tool)) {
    return {
      code: "tool_hidden",
      rule: "(hidden)",
      source: "policy",
      message: `Tool "${tool}" is hidden by policy`,
    };
  }
  if (policy.defaultAction === "deny" && !listed) {
    return {
      code: "tool_not_allowed",
      rule: "(default deny)",
      source: "policy",
      message: `Tool "${tool}" is not permitted by policy`,
    };
  }
  return null;
}

export function evaluatePolicy(policy: CompiledPolicy, view: CallView, opts: PolicyOpts): Outcome {
  const tool = view.call.tool;
  const shadow = policy.mode === "shadow";
  const { rules, listed } = rulesFor(policy, tool);
  const results: RuleResult[] = [];
  let denial = structuralDenial(policy, tool, listed);
  if (denial) results.push({ name: denial.rule, source: "policy", passed: false, reason: denial.message });
  let approval: Denial | null = null;
  let approvalTimeoutMs: number | null = null;
  let idempotencyWindowMs: number | null = null;
  const scopes: ScopeLine[] = [];

  let budget: BudgetResult | null | undefined;
  const env: RuleEnv = {
    policy,
    view,
    approved: opts.approved,
    approvalTriggered: rules.find((r) => r.action === "require_approval" && approvalApplies(r, view)) ?? null,
    budget: () => {
      if (budget === undefined)
        budget = view.call.price
          ? priceIn(view.call.price, policy.currency, [...policy.conversions, ...opts.conversions])
          : null;
      return budget;
    },
  };

  for (const rule of rules) {
    if (rule.idempotencyWindowMs !== null)
      idempotencyWindowMs = Math.max(idempotencyWindowMs ?? 0, rule.idempotencyWindowMs);
    if (denial && !shadow) break;
    const push = (passed: boolean, reason: string) =>
      results.push({ name: rule.name, source: "policy", passed, reason });
    if (rule.action === "deny") {
      const reason = `Rule "${rule.name}" refuses every call to ${tool}`;
      const message = rule.onDeny ?? reason;
      push(false, reason);
      denial ??= { code: "rule_denied", rule: rule.name, source: "policy", message };
    } else if (rule.action === "require_approval") {
      const applies = allConditionsHold(rule, view);
      if (applies !== true && applies !== false) {
        // Undecided: "not needed" could let through a call the rule would hold, so it is a deny
        // (and never an escalation of a per-call cap).
        push(false, applies.undecided);
        denial ??= {
          code: "condition_failed",
          rule: rule.name,
          source: "policy",
          message: applies.undecided,
        };
      } else if (!applies) push(true, `Rule "${rule.name}": approval not needed for this call`);
      else if (opts.approvedRules) push(true, `Rule "${rule.name}": approved by a human`);
      else {
        push(false, `Rule "${rule.name}" needs a human approval`);
        approval ??= {
          code: "approval_required",
          rule: rule.name,
          source: "policy",
          message: rule.onDeny ?? `Rule "${rule.name}" requires human approval for ${tool}`,
        };
        approvalTimeoutMs ??= rule.approvalTimeoutMs;
      }
    } else {
      const r = evaluateRule(rule, env);
      push(r.passed, r.reason);
      if (r.denial) denial ??= r.denial;
      else scopes.push(...r.lines);
      // Approved before the price was known: a cap escalated to approval still holds, so the price
      // itself needs a human (the approval rule passed, so nothing else would ask).
      const trigger = env.approvalTriggered;
      if (r.escalated && trigger && opts.approvedRules && !opts.approved) {
        approval ??= {
          code: "approval_required",
          rule: trigger.name,
          source: "policy",
          message: `The approval did not cover this price: ${r.reason}. A human must approve the price.`,
        };
        approvalTimeoutMs ??= trigger.approvalTimeoutMs;
      }
    }
  }
  const action = denial ? "deny" : approval ? "require_approval" : "allow";
  return {
    action,
    denial: denial ?? approval,
    rules: results,
    scopes,
    approvalTimeoutMs,
    idempotencyWindowMs,
  };
}
