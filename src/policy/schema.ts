// Zod schema of a policy document as written (Intercept YAML + Tollgate extensions), before compilation.
import { z } from "zod";

export const OPERATORS = [
  "eq",
  "neq",
  "in",
  "not_in",
  "lt",
  "lte",
  "gt",
  "gte",
  "regex",
  "contains",
  "exists",
  "starts_with",
] as const;
export const OperatorSchema = z.enum(OPERATORS);
export type Operator = z.infer<typeof OperatorSchema>;

const MoneyValue = z.union([z.string(), z.number()], { error: "expected a decimal amount like 5.00" });

export const ConditionDocSchema = z.strictObject({
  path: z.string().min(1),
  op: OperatorSchema,
  value: z.unknown(),
});

export const STATE_WINDOWS = ["minute", "hour", "day", "week", "month"] as const;

export const StateDocSchema = z.strictObject({
  counter: z.string().min(1),
  window: z.enum(STATE_WINDOWS),
  increment: z.union([z.number(), z.string()]).optional(),
  increment_from: z.string().min(1).optional(),
  /** Tollgate: fixed-point digits kept by this counter (default: 6 with increment_from, else as needed). */
  decimals: z.number().int().min(0).max(18).optional(),
});

export const SPEND_FIELDS = ["per_call", "hourly", "daily", "weekly", "monthly", "session", "total"] as const;
export const SpendDocSchema = z.strictObject({
  per_call: MoneyValue.optional(),
  hourly: MoneyValue.optional(),
  daily: MoneyValue.optional(),
  weekly: MoneyValue.optional(),
  monthly: MoneyValue.optional(),
  session: MoneyValue.optional(),
  total: MoneyValue.optional(),
});

export const RuleDocSchema = z.strictObject({
  name: z.string().min(1),
  action: z.enum(["evaluate", "deny", "require_approval"]).optional(),
  conditions: z.array(ConditionDocSchema).optional(),
  on_deny: z.string().optional(),
  rate_limit: z.string().optional(),
  state: StateDocSchema.optional(),
  spend: SpendDocSchema.optional(),
  approval_timeout: z.string().optional(),
  idempotency_window: z.string().optional(),
});
export type RuleDoc = z.infer<typeof RuleDocSchema>;

/** `rules:` with no value is no rules, as in Intercept. */
export const ToolDocSchema = z.strictObject({ rules: z.array(RuleDocSchema).nullish() });

export const PolicyDocSchema = z.strictObject({
  version: z.union([z.literal("1"), z.literal(1)], { error: 'version must be "1"' }),
  description: z.string().optional(),
  default: z.enum(["allow", "deny"]).optional(),
  hide: z.array(z.string().min(1)).optional(),
  /** A tool key with no body (`read_file:`) lists the tool with no rules, as in Intercept. */
  tools: z.record(z.string().min(1), ToolDocSchema.nullable()).optional(),
  /** Newer Intercept: approval webhook settings. Accepted so real files load; Tollgate configures webhooks elsewhere. */
  approvals: z.unknown().optional(),
  mode: z.enum(["enforce", "shadow"]).optional(),
  currency: z.string().min(1).optional(),
  timezone: z.string().min(1).optional(),
  conversions: z
    .array(z.strictObject({ from: z.string().min(1), to: z.string().min(1), rate: MoneyValue }))
    .optional(),
});
export type PolicyDoc = z.infer<typeof PolicyDocSchema>;
