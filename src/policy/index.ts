// Public surface of the policy core: compile a policy, evaluate a call, filter tools/list.

export { type CompileResult, compilePolicy, compilePolicyData } from "./compile";
export type { CompiledPolicy } from "./compiled";
export { CompiledPolicySchema } from "./compiled";
export { type PolicyError, PolicyErrorSchema } from "./errors";
export { type EvaluateInput, evaluate } from "./evaluate";
export { hiddenTools, isToolVisible } from "./evaluate-policy";
export { moneyUnit, parseMoneyUnit } from "./keys";
export { type Mandate, type MandateInput, MandateSchema } from "./mandate";
export {
  type Action,
  type CallContext,
  CallContextSchema,
  DENIAL_CODES,
  type Decision,
  DecisionSchema,
  type Denial,
  type DenialCode,
  DenialCodeSchema,
  type Price,
  type RuleResult,
  type ScopeLine,
  ScopeLineSchema,
  type ScopeWindow,
} from "./types";
