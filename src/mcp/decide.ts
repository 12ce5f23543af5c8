// Policy evaluation for one call and the translation of a refusal into the denial contract.
import type { Decision } from "../policy";
import { judge } from "../services/judge";
import { childSpan } from "../trace/request-trace";
import type { CallInfo } from "./call-record";
import type { GatewayCtx } from "./context";
import type { Denial, DenialReason, Price } from "./denial";
import { decisionSpan } from "./trace-spans";

export type PriceIn = { amount: bigint; currency: string; decimals: number } | null;

/** What is known of the call when it is judged: nothing priced yet (an estimate at most), or the offer. */
export type Judged = {
  price: PriceIn;
  vendor: string | null;
  now: number;
  approved?: boolean | "within_caps";
};

export function evaluateCall(g: GatewayCtx, call: CallInfo, j: Judged): Decision {
  const { price, vendor, now, approved = false } = j;
  const startMs = Date.now();
  const decision = judge(
    g.tenant,
    {
      orgId: g.tenant.orgId,
      agentId: g.tenant.agent.id,
      sessionId: g.session?.n ?? null,
      tool: call.tool,
      upstream: g.tenant.upstreams.find((u) => u.id === call.upstreamId)?.namespace ?? null,
      args: call.args,
      price,
      vendor,
      category: null,
    },
    now,
    approved,
  );
  const t = g.trace;
  if (t?.spans) {
    const facts = { txId: call.txId, tool: call.tool, agentId: g.tenant.agent.id, price, decision };
    t.spans.push(decisionSpan(childSpan(t), facts, startMs, Date.now()));
  }
  return decision;
}

const POLICY_REASON: Record<string, DenialReason> = {
  tool_hidden: "tool_hidden",
  tool_not_allowed: "tool_not_allowed",
  rule_denied: "policy_denied",
  condition_failed: "policy_denied",
  per_call_limit: "per_call_limit",
  vendor_denied: "vendor_denied",
  vendor_not_allowed: "vendor_denied",
  category_not_allowed: "category_not_allowed",
  outside_time_window: "outside_time_window",
  mandate_inactive: "mandate_inactive",
  currency_unconvertible: "currency_unconvertible",
  invalid_increment: "invalid_increment",
  approval_required: "approval_required",
  price_unknown: "price_unknown",
};

/** The denial for a policy decision that refuses (null when the call may proceed). */
export function policyDenial(decision: Decision, price: PriceIn, txId: string): Denial | null {
  if (decision.action === "allow" || !decision.denial) return null;
  const d = decision.denial;
  return {
    reason: POLICY_REASON[d.code] ?? "policy_denied",
    message: d.message,
    rule: d.rule,
    source: d.source,
    price: price as Price | null,
    transactionId: txId,
  };
}
