// The compiled policy: plain JSON data (stored in D1 and reloaded), so no RegExp, Map or bigint inside.
// Amounts are digit strings; regexes are compiled lazily at evaluate time from their source text.
import { z } from "zod";
import { ConversionTableSchema } from "../money/convert";
import { OperatorSchema } from "./schema";
import { ScopeWindowSchema } from "./types";

export const PATH_ROOTS = [
  "args",
  "state",
  "tool.name",
  "upstream",
  "agent.id",
  "spend.amount",
  "spend.currency",
  "spend.value",
  "vendor",
  "category",
  "time.hour",
  "time.minute_of_day",
  "time.weekday",
] as const;
export const PathRootSchema = z.enum(PATH_ROOTS);
export type PathRoot = z.infer<typeof PathRootSchema>;

export const CompiledConditionSchema = z.object({
  path: z.string(),
  root: PathRootSchema,
  /** args segments (keys or array indexes as strings). */
  seg: z.array(z.string()),
  op: OperatorSchema,
  value: z.unknown(),
  /** Exact decimal text of `value` for numeric operators. */
  num: z.string().nullable(),
  /**
   * For regex: "" (the pattern keeps its own RE2 inline flags). Policies compiled before RE2 semantics
   * stored JS flags lifted from a leading (?i)-style group here; evaluation puts them back in front.
   */
  flags: z.string().nullable(),
});
export type CompiledCondition = z.infer<typeof CompiledConditionSchema>;

export const CounterLineSchema = z.object({
  key: z.string(),
  label: z.string(),
  window: ScopeWindowSchema,
  /** Fixed-point digits of the counter: amounts and limits are integers at this scale. */
  scale: z.number().int(),
  unit: z.string(),
  limit: z.string(),
});
export type CounterLine = z.infer<typeof CounterLineSchema>;

export const CompiledStateSchema = CounterLineSchema.extend({
  counter: z.string(),
  /** Increment in counter units (digits), used when incrementFrom is null. */
  increment: z.string(),
  incrementFrom: z.array(z.string()).nullable(),
  incrementFromPath: z.string().nullable(),
  /** null when the rule has no lt/lte condition on its own counter: Intercept then does not count. */
  limit: z.string().nullable(),
});
export type CompiledState = z.infer<typeof CompiledStateSchema>;

export const SpendFieldSchema = z.enum([
  "per_call",
  "hourly",
  "daily",
  "weekly",
  "monthly",
  "session",
  "total",
]);
export type SpendField = z.infer<typeof SpendFieldSchema>;

export const CompiledSpendLimitSchema = z.object({
  field: SpendFieldSchema,
  /** Major units, exact decimal text as written ("50.00" -> "50"). */
  major: z.string(),
  /** Base units of the policy currency when the policy names one; else scaled per price at evaluate time. */
  base: z.string().nullable(),
});
export type CompiledSpendLimit = z.infer<typeof CompiledSpendLimitSchema>;

export const CompiledRuleSchema = z.object({
  name: z.string(),
  /** The tools key the rule sits under: a tool name, a glob, or "*". */
  tool: z.string(),
  /** Counter / ledger scope: the tools key, or "_global" for "*". */
  scope: z.string(),
  index: z.number().int(),
  action: z.enum(["evaluate", "deny", "require_approval"]),
  conditions: z.array(CompiledConditionSchema),
  /** State conditions on counters: checked by the ledger as count lines (amount 0 unless it is the rule's own). */
  counterChecks: z.array(CounterLineSchema),
  state: CompiledStateSchema.nullable(),
  spend: z.array(CompiledSpendLimitSchema),
  onDeny: z.string().nullable(),
  approvalTimeoutMs: z.number().nullable(),
  idempotencyWindowMs: z.number().nullable(),
});
export type CompiledRule = z.infer<typeof CompiledRuleSchema>;

export const CompiledPolicySchema = z.object({
  format: z.literal(1),
  description: z.string().nullable(),
  defaultAction: z.enum(["allow", "deny"]),
  mode: z.enum(["enforce", "shadow"]),
  hide: z.object({ all: z.boolean(), names: z.array(z.string()), patterns: z.array(z.string()) }),
  currency: z.object({ code: z.string(), decimals: z.number().int() }).nullable(),
  timeZone: z.string(),
  conversions: ConversionTableSchema,
  /** Rules of exact tool names, looked up with Object.hasOwn. */
  exact: z.record(z.string(), z.array(CompiledRuleSchema)),
  /** Glob keys, most specific first (longer literal prefix). */
  globs: z.array(z.object({ pattern: z.string(), rules: z.array(CompiledRuleSchema) })),
  wildcard: z.array(CompiledRuleSchema),
});
export type CompiledPolicy = z.infer<typeof CompiledPolicySchema>;
