// One way to ask the policy engine about a call: the org's rules (policy, the agent's mandate, the
// conversions) plus the facts known so far. Facts not given are unknown (null), as in phase "pre".
import type { ConversionTable } from "../money";
import {
  type CallContext,
  type CompiledPolicy,
  type Decision,
  type EvaluateInput,
  evaluate,
  type Mandate,
} from "../policy";

export type Rules = { policy: CompiledPolicy | null; mandate: Mandate | null; conversions: ConversionTable };
export type CallFacts = Pick<CallContext, "orgId" | "agentId" | "tool"> & Partial<CallContext>;

export function judge(
  rules: Rules,
  facts: CallFacts,
  now: number,
  approved?: EvaluateInput["approved"],
): Decision {
  const call: CallContext = {
    sessionId: null,
    upstream: null,
    args: {},
    price: null,
    vendor: null,
    category: null,
    ...facts,
  };
  return evaluate({
    policy: rules.policy,
    mandate: rules.mandate,
    call,
    now,
    conversions: rules.conversions,
    ...(approved !== undefined ? { approved } : {}),
  });
}
