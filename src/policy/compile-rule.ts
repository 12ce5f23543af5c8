// Compiles one rule: action shape checks (as Intercept validates them), conditions, counters,
// rate limits, spend limits and durations.
import { formatDecimal, parseExactDecimal, toBaseUnits } from "../money/decimal";
import { compileCondition } from "./compile-condition";
import type {
  CompiledCondition,
  CompiledRule,
  CompiledSpendLimit,
  CompiledState,
  CounterLine,
} from "./compiled";
import { type CounterRegistry, compileIncrement, counterLimit, parseRateLimit, scopeOf } from "./counters";
import type { DocPath, ErrorSink } from "./errors";
import { parseArgsSegments } from "./paths";
import { type RuleDoc, SPEND_FIELDS } from "./schema";
import { parseDuration } from "./time";

export const DEFAULT_APPROVAL_TIMEOUT_MS = 30 * 60_000;

export type RuleContext = {
  registry: CounterRegistry;
  currency: { code: string; decimals: number } | null;
  sink: ErrorSink;
};

function compileSpend(doc: RuleDoc, at: DocPath, ctx: RuleContext): CompiledSpendLimit[] {
  const out: CompiledSpendLimit[] = [];
  for (const field of SPEND_FIELDS) {
    const raw = doc.spend?.[field];
    if (raw === undefined) continue;
    const fieldAt = [...at, "spend", field];
    const d = parseExactDecimal(raw);
    if (!d.ok) {
      ctx.sink.add(fieldAt, `spend.${field} ${d.error}`);
      continue;
    }
    if (d.value.coef < 0n) {
      ctx.sink.add(fieldAt, `spend.${field} must not be negative, got ${String(raw)}`);
      continue;
    }
    let base: string | null = null;
    if (ctx.currency) {
      const b = toBaseUnits(d.value, ctx.currency.decimals, "exact");
      if (!b.ok) {
        ctx.sink.add(
          fieldAt,
          `spend.${field} ${String(raw)} has more decimal places than ${ctx.currency.code} (${ctx.currency.decimals})`,
        );
        continue;
      }
      base = b.value.toString();
    }
    out.push({ field, major: formatDecimal(d.value), base });
  }
  return out;
}

function checkShape(doc: RuleDoc, action: CompiledRule["action"], at: DocPath, sink: ErrorSink): void {
  const hasConditions = (doc.conditions?.length ?? 0) > 0;
  if (doc.rate_limit !== undefined) {
    if (hasConditions || doc.state) {
      sink.add(
        [...at, "rate_limit"],
        "rate_limit cannot be combined with conditions or state; use separate rules or the full syntax instead",
      );
    }
    if (action === "deny") sink.add([...at, "rate_limit"], 'rate_limit cannot be used with action "deny"');
    const rl = parseRateLimit(doc.rate_limit);
    if (typeof rl === "string") sink.add([...at, "rate_limit"], rl);
  }
  if (action === "deny") {
    if (hasConditions) sink.add([...at, "conditions"], "deny rules must not have conditions");
    if (doc.state) sink.add([...at, "state"], "deny rules must not have state");
    if (doc.spend) sink.add([...at, "spend"], "deny rules must not have spend limits");
  }
  if (action === "require_approval") {
    for (const key of ["state", "spend", "rate_limit"] as const) {
      if (doc[key] !== undefined)
        sink.add([...at, key], `require_approval rules cannot have ${key}; put it in its own rule`);
    }
  }
  if (action === "evaluate" && !hasConditions && doc.rate_limit === undefined && doc.spend === undefined) {
    sink.add(at, "evaluate rules must have at least one condition (or a rate_limit or spend shorthand)");
  }
  if (doc.approval_timeout !== undefined && action !== "require_approval") {
    sink.add([...at, "approval_timeout"], "approval_timeout only applies to require_approval rules");
  }
}

type StateParts = { conditions: CompiledCondition[]; counterChecks: CounterLine[]; ownLimit: bigint | null };

function splitStateConditions(
  conds: CompiledCondition[],
  own: string | null,
  ownScale: number,
  at: DocPath,
  ctx: RuleContext,
  indexes: number[],
): StateParts {
  const parts: StateParts = { conditions: [], counterChecks: [], ownLimit: null };
  conds.forEach((c, n) => {
    if (c.root !== "state") {
      parts.conditions.push(c);
      return;
    }
    const condAt = [...at, "conditions", indexes[n] ?? n];
    const def = ctx.registry.get(c.path);
    if (!def) {
      ctx.sink.add([...condAt, "path"], `condition references ${c.path} but no matching state block found`);
      return;
    }
    const value = parseExactDecimal(c.num ?? "");
    if ((c.op !== "lt" && c.op !== "lte") || !value.ok) {
      ctx.sink.add(
        [...condAt, "op"],
        `state conditions must use lt or lte with a number (the counter limit), got "${c.op}"`,
      );
      return;
    }
    const limit = counterLimit(c.op, value.value, c.path === own ? ownScale : def.scale);
    if (limit < 0n) {
      ctx.sink.add(
        [...condAt, "value"],
        `counter limit must not be negative (use action: deny to refuse every call)`,
      );
      return;
    }
    if (c.path === own) {
      parts.ownLimit = parts.ownLimit === null || limit < parts.ownLimit ? limit : parts.ownLimit;
    } else {
      const { key, label, window, scale, unit } = def;
      parts.counterChecks.push({ key, label, window, scale, unit, limit: limit.toString() });
    }
  });
  return parts;
}

function compileState(doc: RuleDoc, scope: string, at: DocPath, ctx: RuleContext): CompiledState | null {
  if (doc.rate_limit !== undefined) {
    const rl = parseRateLimit(doc.rate_limit);
    const def = typeof rl === "string" ? undefined : ctx.registry.get(`state.${scope}._rate_${rl.window}`);
    if (typeof rl === "string" || !def) return null;
    return { ...def, increment: "1", incrementFrom: null, incrementFromPath: null, limit: String(rl.count) };
  }
  if (!doc.state) return null;
  const def = ctx.registry.get(`state.${scope}.${doc.state.counter}`);
  if (!def) return null;
  const from = doc.state.increment_from;
  let incrementFrom: string[] | null = null;
  if (from !== undefined) {
    incrementFrom = from.startsWith("args.") ? parseArgsSegments(from.slice(5)) : null;
    if (!incrementFrom)
      ctx.sink.add(
        [...at, "state", "increment_from"],
        `increment_from must be an args path like "args.amount", got "${from}"`,
      );
  }
  const increment = compileIncrement(doc.state.increment, def.scale, [...at, "state", "increment"], ctx.sink);
  const { key, label, window, scale, unit, counter } = def;
  return {
    key,
    label,
    window,
    scale,
    unit,
    counter,
    increment,
    incrementFrom,
    incrementFromPath: from ?? null,
    limit: null,
  };
}

function duration(text: string | undefined, at: DocPath, sink: ErrorSink): number | null {
  if (text === undefined) return null;
  const ms = parseDuration(text);
  if (ms === null) sink.add(at, `"${text}" is not a duration like "30m", "2h" or "1d"`);
  return ms;
}

export function compileRule(
  toolKey: string,
  index: number,
  doc: RuleDoc,
  ctx: RuleContext,
): CompiledRule | null {
  const at: DocPath = ["tools", toolKey, "rules", index];
  const before = ctx.sink.errors.length;
  const scope = scopeOf(toolKey);
  const action = doc.action ?? "evaluate";
  checkShape(doc, action, at, ctx.sink);

  const compiled: CompiledCondition[] = [];
  const indexes: number[] = [];
  (doc.conditions ?? []).forEach((c, i) => {
    const cc = compileCondition(c, [...at, "conditions", i], ctx.sink);
    if (cc) {
      compiled.push(cc);
      indexes.push(i);
    }
  });
  if (action === "require_approval" && compiled.some((c) => c.root === "state")) {
    ctx.sink.add([...at, "conditions"], "require_approval conditions cannot read state counters");
  }
  const state = compileState(doc, scope, at, ctx);
  const own = state ? `state.${scope}.${state.counter}` : null;
  const parts = splitStateConditions(compiled, own, state?.scale ?? 0, at, ctx, indexes);
  if (state && doc.rate_limit === undefined)
    state.limit = parts.ownLimit === null ? null : parts.ownLimit.toString();

  const spend = compileSpend(doc, at, ctx);
  const approvalTimeoutMs =
    duration(doc.approval_timeout, [...at, "approval_timeout"], ctx.sink) ??
    (action === "require_approval" ? DEFAULT_APPROVAL_TIMEOUT_MS : null);
  const idempotencyWindowMs = duration(doc.idempotency_window, [...at, "idempotency_window"], ctx.sink);
  if (ctx.sink.errors.length > before) return null;

  // An empty on_deny would send the agent an empty denial; the built-in text names the rule and its check.
  let onDeny = doc.on_deny?.trim() ? doc.on_deny : null;
  if (onDeny === null && doc.rate_limit !== undefined && state) {
    onDeny = `Rate limit of ${state.limit} per ${state.window} reached. Try again later.`;
  }
  return {
    name: doc.name,
    tool: toolKey,
    scope,
    index,
    action,
    conditions: parts.conditions,
    counterChecks: parts.counterChecks,
    state,
    spend,
    onDeny,
    approvalTimeoutMs,
    idempotencyWindowMs,
  };
}
