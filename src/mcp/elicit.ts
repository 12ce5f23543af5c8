// Inline approval by elicitation: when the client declared the capability, Tollgate asks the user
// "approve this payment?" on the call's SSE stream, waits for the answer through the org's relay,
// and records it as the approval's decision (an approval holds the price, like an operator's).

import type { JsonRpcId } from "../protocol/jsonrpc";
import { decideApproval } from "../services/approvals";
import type { ApprovalRow } from "../services/call-approvals";
import type { GatewayCtx } from "./context";
import { type Denial, priceText } from "./denial";
import type { Emit } from "./respond";

const PREFIX = "tg-elicit-";
/** How long a call's stream waits for the user before leaving the approval to an operator. */
const WAIT_MS = 90_000;

export function isElicitationAnswer(id: JsonRpcId | null): boolean {
  return typeof id === "string" && id.startsWith(PREFIX);
}

export async function deliverElicitation(g: GatewayCtx, msg: { id: JsonRpcId | null }): Promise<void> {
  await g.env.ELICITATIONS.getByName(g.tenant.orgId).deliver(String(msg.id), msg);
}

export type InlineAnswer = "approved" | "rejected" | "no_answer";

/** Asks the user on the open stream; the decision is recorded on the approval row. */
export async function askInline(
  g: GatewayCtx,
  emit: Emit,
  approval: ApprovalRow,
  denial: Denial,
): Promise<InlineAnswer> {
  const id = `${PREFIX}${approval.id}`;
  const price =
    approval.amount !== null && approval.currency !== null && approval.decimals !== null
      ? priceText({ amount: approval.amount, currency: approval.currency, decimals: approval.decimals })
      : null;
  const request = {
    jsonrpc: "2.0",
    id,
    method: "elicitation/create",
    params: {
      message: `Approve this payment? ${approval.tool}${price ? ` costs ${price}` : ""}${approval.vendor ? `, paid to ${approval.vendor}` : ""}. ${denial.message}`,
      requestedSchema: {
        type: "object",
        properties: { approve: { type: "boolean", title: "Approve this payment", default: false } },
        required: ["approve"],
      },
    },
  };
  emit({ event: "message", data: JSON.stringify(request), id: null });
  const wait = Math.min(WAIT_MS, Math.max(approval.expiresAt - Date.now(), 0));
  const answer = (await g.env.ELICITATIONS.getByName(g.tenant.orgId).wait(id, wait)) as {
    result?: { action?: string; content?: { approve?: unknown } };
  } | null;
  if (!answer) return "no_answer";
  const yes = answer.result?.action === "accept" && answer.result.content?.approve === true;
  try {
    await decideApproval(
      g.env,
      g.tenant.orgId,
      approval.id,
      yes ? "approved" : "rejected",
      yes ? "approved inline by the user" : "declined inline by the user",
      Date.now(),
    );
  } catch {
    // Already decided by an operator, or the budget cannot hold the price: the row says which.
    return "no_answer";
  }
  return yes ? "approved" : "rejected";
}
