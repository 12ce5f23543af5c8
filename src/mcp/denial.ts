// The denial contract: every refusal by Tollgate (policy, budget, rate limit, approval, challenge
// checks, fail-closed faults) is a JSON-RPC error with code -32010 (ledger outage: -32011) whose
// `data.tollgate` has the same machine-readable shape. Tool failures never use these codes.
import { receiptIdFor } from "../ledger/receipts";
import { formatAmount } from "../money";
import { type JsonRpcId, RPC, rpcError } from "../protocol/jsonrpc";

export type DenialReason =
  | "policy_denied"
  | "tool_hidden"
  | "tool_not_allowed"
  | "per_call_limit"
  | "budget_exceeded"
  | "rate_limited"
  | "vendor_denied"
  | "category_not_allowed"
  | "outside_time_window"
  | "mandate_inactive"
  | "approval_required"
  | "approval_rejected"
  | "approval_expired"
  | "price_unknown"
  | "challenge_expired"
  | "currency_unconvertible"
  | "invalid_increment"
  | "unknown_challenge"
  | "challenge_used"
  | "tool_mismatch"
  | "arguments_mismatch"
  | "session_mismatch"
  | "credential_mismatch"
  | "multiple_credentials"
  | "duplicate_call"
  | "wallet_unavailable"
  | "credential_not_allowed"
  | "no_payable_offer"
  | "payment_failed"
  | "payment_refused"
  | "url_refused"
  | "header_refused"
  | "ledger_unavailable";

export type Price = { amount: bigint | string; currency: string; decimals: number };

export type Denial = {
  reason: DenialReason;
  message: string;
  rule?: string | null;
  source?: "policy" | "mandate" | "ledger" | "gateway";
  price?: Price | null;
  scope?: {
    key: string;
    label: string;
    window: string;
    unit: string;
    limit: string;
    used: string;
    remaining: string;
    resetsAt: number | null;
  } | null;
  approvalId?: string;
  retryAfter?: number | null;
  transactionId: string;
};

export function priceText(p: Price): string {
  return `${formatAmount(BigInt(p.amount), p.decimals)} ${p.currency}`;
}

function receiptIdOf(d: Denial): string | null {
  if (d.reason === "approval_required" || d.reason === "ledger_unavailable") return null;
  return receiptIdFor(d.transactionId);
}

export function denialError(id: JsonRpcId, d: Denial) {
  const code = d.reason === "ledger_unavailable" ? RPC.LEDGER_UNAVAILABLE : RPC.SPEND_DENIED;
  const hint =
    d.reason === "approval_required"
      ? "A human must approve this call; retry the same call after approval."
      : d.retryAfter
        ? `Retry after ${new Date(d.retryAfter).toISOString()}.`
        : d.reason === "ledger_unavailable"
          ? "Retry shortly."
          : "Do not retry this call unchanged.";
  const data = {
    tollgate: {
      version: 1,
      denied: true,
      reason: d.reason,
      message: d.message,
      rule: d.rule ?? null,
      source: d.source ?? "gateway",
      price: d.price
        ? {
            amount: String(d.price.amount),
            currency: d.price.currency,
            decimals: d.price.decimals,
            display: priceText(d.price),
          }
        : null,
      scope: d.scope ?? null,
      approvalId: d.approvalId ?? null,
      retryAfter: d.retryAfter ? new Date(d.retryAfter).toISOString() : null,
      hint,
      transactionId: d.transactionId,
      // The signed receipt the ledger chains for this denial (none for a pending approval or an
      // unreachable ledger); fetch it with the transaction from the admin API.
      receiptId: receiptIdOf(d),
    },
  };
  const label = d.reason === "approval_required" ? "Approval required" : "Denied";
  return rpcError(id, code, `[Tollgate] ${label}: ${d.message} ${hint}`, data);
}
