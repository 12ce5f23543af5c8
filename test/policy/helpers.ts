// Shared builders for policy tests: compile-or-fail, call contexts, prices.
import { expect } from "vitest";
import {
  type CallContext,
  type CompiledPolicy,
  compilePolicy,
  type Decision,
  type EvaluateInput,
  evaluate,
} from "../../src/policy";

export const NOW = Date.UTC(2026, 2, 4, 12, 0, 0); // Wednesday 2026-03-04 12:00 UTC

export function compileOk(source: string): CompiledPolicy {
  const r = compilePolicy(source);
  if (!r.ok) throw new Error(`policy did not compile: ${JSON.stringify(r.errors, null, 2)}`);
  // Stored in D1 as JSON and reloaded: the round trip must be lossless.
  expect(JSON.parse(JSON.stringify(r.policy))).toEqual(r.policy);
  return r.policy;
}

export function call(over: Partial<CallContext> = {}): CallContext {
  return {
    orgId: "org_1",
    agentId: "agent_1",
    sessionId: "sess_1",
    tool: "generate_image",
    upstream: "images",
    args: {},
    price: null,
    vendor: null,
    category: null,
    ...over,
  };
}

/** A price in base units; default a 6-decimal pathUSD token, as MPP challenges on Tempo name it. */
export function price(amount: bigint | number, currency = "pathUSD", decimals = 6) {
  return { amount: BigInt(amount), currency, decimals };
}

export function run(
  policy: CompiledPolicy | null,
  over: Partial<CallContext> = {},
  extra: Partial<Omit<EvaluateInput, "policy" | "call">> = {},
): Decision {
  return evaluate({ policy, mandate: null, call: call(over), now: NOW, ...extra });
}
