// State counters and rate limits (Intercept's `state:` and `rate_limit:`): the per-policy registry
// of counters, their fixed-point scale, and limits taken from lt/lte conditions on the counter path.
import { type Decimal, fractionDigits, parseExactDecimal, pow10, toBaseUnits } from "../money/decimal";
import type { DocPath, ErrorSink } from "./errors";
import { policyCounterKey } from "./keys";
import type { RuleDoc } from "./schema";
import type { ScopeWindow } from "./types";

export type CounterDef = {
  path: string;
  scope: string;
  counter: string;
  window: ScopeWindow;
  scale: number;
  unit: string;
  key: string;
  label: string;
};
export type CounterRegistry = Map<string, CounterDef>;

export const scopeOf = (toolKey: string) => (toolKey === "*" ? "_global" : toolKey);
const INCREMENT_FROM_DEFAULT_SCALE = 6;

export function parseRateLimit(text: string): { count: number; window: "minute" | "hour" | "day" } | string {
  const m = /^(\d{1,9})\/(minute|hour|day)$/.exec(text.trim());
  if (!m || Number(m[1]) <= 0) {
    return `rate_limit must look like "5/hour" (a positive count per minute, hour or day), got "${text}"`;
  }
  return { count: Number(m[1]), window: m[2] as "minute" | "hour" | "day" };
}

function numericFractionDigits(value: unknown): number {
  const d = parseExactDecimal(value);
  return d.ok ? fractionDigits(d.value) : 0;
}

/** Limit in counter units: lte N -> floor(N), lt N -> the largest value strictly below N. */
export function counterLimit(op: "lt" | "lte", value: Decimal, scale: number): bigint {
  const floor = toBaseUnits(value, scale, "down");
  const v = floor.ok ? floor.value : 0n;
  const exact = toBaseUnits(value, scale, "exact").ok;
  return op === "lt" && exact ? v - 1n : v;
}

function define(reg: CounterRegistry, def: Omit<CounterDef, "path" | "key" | "label">): CounterDef {
  const path = `state.${def.scope}.${def.counter}`;
  const full: CounterDef = {
    ...def,
    path,
    key: policyCounterKey(def.scope, def.counter, def.window),
    label: def.counter.startsWith("_rate_")
      ? `rate limit ${def.counter.slice(6)} on ${def.scope}`
      : `counter ${def.counter} on ${def.scope} (per ${def.window})`,
  };
  reg.set(path, full);
  return full;
}

/** First pass over every tools entry: declares each counter once per scope (duplicates are errors, as in Intercept). */
export function collectCounters(tools: [string, RuleDoc[]][], sink: ErrorSink): CounterRegistry {
  const reg: CounterRegistry = new Map();
  for (const [toolKey, rules] of tools) {
    const scope = scopeOf(toolKey);
    const seen = new Map<string, number>();
    rules.forEach((rule, i) => {
      const at: DocPath = ["tools", toolKey, "rules", i];
      let counter: string | null = null;
      if (
        rule.rate_limit !== undefined &&
        !rule.state &&
        !rule.conditions?.length &&
        rule.action !== "deny"
      ) {
        const rl = parseRateLimit(rule.rate_limit);
        if (typeof rl === "string") return;
        counter = `_rate_${rl.window}`;
        if (!seen.has(counter)) define(reg, { scope, counter, window: rl.window, scale: 0, unit: "calls" });
      } else if (rule.state) {
        const st = rule.state;
        counter = st.counter;
        const own = `state.${scope}.${st.counter}`;
        const limitDigits = (rule.conditions ?? [])
          .filter((c) => c.path === own)
          .map((c) => numericFractionDigits(c.value));
        const scale =
          st.decimals ??
          (st.increment_from !== undefined
            ? INCREMENT_FROM_DEFAULT_SCALE
            : Math.max(numericFractionDigits(st.increment ?? 1), ...limitDigits, 0));
        if (!seen.has(counter))
          define(reg, { scope, counter, window: st.window, scale, unit: `count/${scale}` });
      }
      if (counter === null) return;
      const prev = seen.get(counter);
      if (prev !== undefined) {
        sink.add(
          [...at, rule.state ? "state" : "rate_limit"],
          `duplicate state counter "${counter}" (also used by rules[${prev}])`,
        );
      } else {
        seen.set(counter, i);
      }
    });
  }
  return reg;
}

/** Increment in counter units: must be exact at the counter's scale and not negative. 0 means 1 (Intercept). */
export function compileIncrement(value: unknown, scale: number, at: DocPath, sink: ErrorSink): string {
  if (value === undefined) return pow10(scale).toString();
  const d = parseExactDecimal(value);
  if (!d.ok || d.value.coef < 0n) {
    sink.add(at, `increment must be a non-negative number, got ${JSON.stringify(value)}`);
    return "0";
  }
  if (d.value.coef === 0n) return pow10(scale).toString();
  const base = toBaseUnits(d.value, scale, "exact");
  if (!base.ok) {
    sink.add(at, `increment ${base.error} (set state.decimals to keep more)`);
    return "0";
  }
  return base.value.toString();
}
