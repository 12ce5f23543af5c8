// Refusing a metered call: the decision is recorded (unless the ledger already recorded it, or could
// not be reached) and the agent gets the denial contract's error (or, for a modern client that can be
// asked inline, the approval question as an MRTR InputRequiredResult).
import type { Decision } from "../policy";
import type { JsonRpcId } from "../protocol/jsonrpc";
import { type CallInfo, txRecord } from "./call-record";
import type { GatewayCtx } from "./context";
import type { PriceIn } from "./decide";
import { type Denial, denialError } from "./denial";
import { record } from "./ledger-calls";
import { approvalInputRequired, asksByMrtr } from "./mrtr";

export type Refusal = {
  denial: Denial;
  decision?: Decision | null;
  price?: PriceIn;
  /** The ledger recorded the denial itself (a refused reservation). */
  recorded?: boolean;
  /** Defaults to "estimate" with a price, else "free"; the priced phase and paid retries say "payment". */
  kind?: "payment" | "free" | "estimate";
  vendor?: string | null;
};

export async function refuse(g: GatewayCtx, id: JsonRpcId, call: CallInfo, r: Refusal): Promise<unknown> {
  const { denial, price = null } = r;
  if (!r.recorded && denial.reason !== "ledger_unavailable") {
    const pending = denial.reason === "approval_required";
    await record(
      g,
      txRecord(
        g,
        call,
        {
          kind: r.kind ?? (price ? "estimate" : "free"),
          decision: pending ? "require_approval" : "deny",
          status: pending ? "pending_approval" : "denied",
          reasonCode: denial.reason,
          reason: denial.message,
          approvalId: denial.approvalId ?? null,
          ...(price ? priceFields(price, r.vendor ?? null) : {}),
        },
        r.decision ?? null,
      ),
    );
  }
  // A modern client that can be asked gets the question (MRTR) instead of the denial.
  if (asksByMrtr(g, denial)) return approvalInputRequired(g, id, call, denial);
  return denialError(id, denial);
}

export function priceFields(price: NonNullable<PriceIn>, vendor: string | null) {
  return { amount: price.amount.toString(), currency: price.currency, decimals: price.decimals, vendor };
}
