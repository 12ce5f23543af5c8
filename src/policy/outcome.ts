// One side's verdict (policy or mandate) before they are combined into a Decision.
import type { Action, Denial, RuleResult, ScopeLine } from "./types";

export type Outcome = {
  action: Action;
  denial: Denial | null;
  rules: RuleResult[];
  scopes: ScopeLine[];
  approvalTimeoutMs: number | null;
  idempotencyWindowMs: number | null;
};

export const SEVERITY: Record<Action, number> = { allow: 0, require_approval: 1, deny: 2 };

export function allowOutcome(): Outcome {
  return {
    action: "allow",
    denial: null,
    rules: [],
    scopes: [],
    approvalTimeoutMs: null,
    idempotencyWindowMs: null,
  };
}

/** Strictest wins: deny > require_approval > allow; on a tie the first side's denial is kept. */
export function strictest(a: Outcome, b: Outcome): Pick<Outcome, "action" | "denial"> {
  return SEVERITY[b.action] > SEVERITY[a.action] ? b : a;
}

/** Lines sharing a key (a counter's own increment and another rule's check) become one: amounts add, lowest limit wins. */
export function mergeLines(lines: ScopeLine[]): ScopeLine[] {
  const byKey = new Map<string, ScopeLine>();
  for (const line of lines) {
    const prev = byKey.get(line.key);
    if (!prev) {
      byKey.set(line.key, line);
      continue;
    }
    const limit = BigInt(line.limit) < BigInt(prev.limit) ? line.limit : prev.limit;
    byKey.set(line.key, { ...prev, amount: (BigInt(prev.amount) + BigInt(line.amount)).toString(), limit });
  }
  return byKey.size === lines.length ? lines : [...byKey.values()];
}
