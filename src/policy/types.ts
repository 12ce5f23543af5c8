// The data that crosses the policy boundary: the call being judged, the Decision, denials and ledger scope lines.
import { z } from "zod";

export const DENIAL_CODES = [
  "tool_hidden",
  "tool_not_allowed",
  "rule_denied",
  "condition_failed",
  "per_call_limit",
  "vendor_denied",
  "vendor_not_allowed",
  "category_not_allowed",
  "outside_time_window",
  "mandate_inactive",
  "currency_unconvertible",
  "invalid_increment",
  "approval_required",
  "price_unknown",
  "policy_error",
] as const;
export const DenialCodeSchema = z.enum(DENIAL_CODES);
export type DenialCode = z.infer<typeof DenialCodeSchema>;

export const RuleSourceSchema = z.enum(["policy", "mandate"]);
export type RuleSource = z.infer<typeof RuleSourceSchema>;

export const WINDOWS = ["minute", "hour", "day", "week", "month", "total", "session"] as const;
export const ScopeWindowSchema = z.enum(WINDOWS);
export type ScopeWindow = z.infer<typeof ScopeWindowSchema>;

export const PriceSchema = z.object({
  amount: z.bigint(),
  currency: z.string().min(1),
  decimals: z.number().int().min(0).max(77),
});
export type Price = z.infer<typeof PriceSchema>;

export const CallContextSchema = z.object({
  orgId: z.string(),
  agentId: z.string(),
  sessionId: z.string().nullable(),
  tool: z.string(),
  upstream: z.string().nullable(),
  args: z.unknown(),
  /** null before the upstream named a price (phase "pre"); spend checks then wait for phase "priced". */
  price: PriceSchema.nullable(),
  vendor: z.string().nullable(),
  category: z.string().nullable(),
});
export type CallContext = z.infer<typeof CallContextSchema>;

export const DenialSchema = z.object({
  code: DenialCodeSchema,
  rule: z.string(),
  source: RuleSourceSchema,
  message: z.string(),
  limit: z.string().optional(),
  currency: z.string().optional(),
  decimals: z.number().optional(),
});
export type Denial = z.infer<typeof DenialSchema>;

export const ScopeLineSchema = z.object({
  /** Stable ledger key; policy keys are org-wide (p:...), mandate keys per agent (a:<agentId>:...). */
  key: z.string(),
  label: z.string(),
  window: ScopeWindowSchema,
  timeZone: z.string(),
  /** Digit strings of base units (money) or counter units (count). */
  limit: z.string(),
  amount: z.string(),
  /** "<CURRENCY>/<decimals>" for money, "calls" for rate limits, "count/<scale>" for state counters. */
  unit: z.string(),
  kind: z.enum(["money", "count"]),
  /** The rule's on_deny text, shown when the ledger refuses this line (counters, rate limits). */
  message: z.string().optional(),
  /** Counted but never refused: the lines of a policy in shadow mode. */
  soft: z.boolean().optional(),
});
export type ScopeLine = z.infer<typeof ScopeLineSchema>;

export const RuleResultSchema = z.object({
  name: z.string(),
  source: RuleSourceSchema,
  passed: z.boolean(),
  reason: z.string(),
});
export type RuleResult = z.infer<typeof RuleResultSchema>;

export const ActionSchema = z.enum(["allow", "deny", "require_approval"]);
export type Action = z.infer<typeof ActionSchema>;

export const DecisionSchema = z.object({
  action: ActionSchema,
  /** True when shadow mode turned a deny / approval into allow. */
  shadow: z.boolean(),
  /** What enforce mode would have done, when shadow mode changed the outcome. */
  wouldHave: z.enum(["deny", "require_approval"]).nullable(),
  rules: z.array(RuleResultSchema),
  denial: DenialSchema.nullable(),
  /** Lines to reserve atomically in the ledger when the call goes ahead. Empty on deny. */
  scopes: z.array(ScopeLineSchema),
  approvalTimeoutMs: z.number().nullable(),
  idempotencyWindowMs: z.number().nullable(),
});
export type Decision = z.infer<typeof DecisionSchema>;
