// evaluate(): the one pure entry point the gateway calls per tools/call. Policy and mandate are judged
// separately, the strictest wins, shadow mode softens only the policy side. Never throws: a fault
// inside becomes a fail-closed deny with code "policy_error".
import type { ConversionTable } from "../money/convert";
import type { CompiledPolicy } from "./compiled";
import { evaluatePolicy } from "./evaluate-policy";
import { evaluateMandate, type Mandate } from "./mandate";
import { allowOutcome, mergeLines, type Outcome, SEVERITY, strictest } from "./outcome";
import { CallView } from "./paths";
import type { CallContext, Decision } from "./types";

export type EvaluateInput = {
  policy: CompiledPolicy | null;
  mandate: Mandate | null;
  call: CallContext;
  now: number;
  conversions?: ConversionTable;
  /**
   * The call carries a matching human approval: require_approval rules pass (denies and budgets still
   * apply). true: the approver saw this price, so per-call caps escalated to approval and the mandate's
   * approval threshold are lifted too; "within_caps": approved before the price was known, so those
   * caps and thresholds still hold (a price above them asks again).
   */
  approved?: boolean | "within_caps";
};

function minTimeout(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

function decide(input: EvaluateInput): Decision {
  const opts = {
    approved: input.approved === true,
    approvedRules: input.approved === true || input.approved === "within_caps",
    conversions: input.conversions ?? [],
  };
  const policy = input.policy;
  const p: Outcome = policy
    ? evaluatePolicy(policy, new CallView(input.call, input.now, policy.timeZone), opts)
    : allowOutcome();
  const m: Outcome = input.mandate
    ? evaluateMandate(input.mandate, new CallView(input.call, input.now, input.mandate.timeZone), opts)
    : allowOutcome();

  const enforced = strictest(p, m);
  const shadowPolicy = policy?.mode === "shadow";
  const actual = shadowPolicy ? strictest({ ...p, action: "allow", denial: null }, m) : enforced;
  const shadow = SEVERITY[enforced.action] > SEVERITY[actual.action];
  const action = actual.action;
  const approvalTimeoutMs =
    action === "require_approval"
      ? minTimeout(
          p.action === "require_approval" && !shadowPolicy ? p.approvalTimeoutMs : null,
          m.approvalTimeoutMs,
        )
      : null;
  return {
    action,
    shadow,
    wouldHave: shadow && enforced.action !== "allow" ? enforced.action : null,
    rules: [...p.rules, ...m.rules],
    // In shadow mode the denial enforce mode would have sent is kept for the audit trail.
    denial: actual.denial ?? (shadow ? enforced.denial : null),
    // A shadow policy's lines are still held and counted, but the ledger never refuses them.
    scopes:
      action === "deny"
        ? []
        : mergeLines([
            ...(shadowPolicy ? p.scopes.map((l) => ({ ...l, soft: true })) : p.scopes),
            ...m.scopes,
          ]),
    approvalTimeoutMs,
    idempotencyWindowMs: p.idempotencyWindowMs,
  };
}

export function evaluate(input: EvaluateInput): Decision {
  try {
    return decide(input);
  } catch (e) {
    const message = `Policy evaluation failed, call refused: ${e instanceof Error ? e.message : String(e)}`;
    return {
      action: "deny",
      shadow: false,
      wouldHave: null,
      rules: [{ name: "(policy error)", source: "policy", passed: false, reason: message }],
      denial: { code: "policy_error", rule: "(policy error)", source: "policy", message },
      scopes: [],
      approvalTimeoutMs: null,
      idempotencyWindowMs: null,
    };
  }
}
