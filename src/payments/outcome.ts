// Classifies the upstream's answer to a tools/call that carried a credential: did money move?
// When unsure the answer is maybe_paid, so the caller keeps the reservation rather than releasing it.
import { parseBaseUnits } from "./amount";
import { detectPaymentRequired } from "./detect";
import type { PaidOutcome } from "./types";
import {
  asRecord,
  firstContentText,
  INVALID_PARAMS_CODE,
  JsonRpcResponseSchema,
  MPP_PAYMENT_REQUIRED_CODE,
  MPP_RECEIPT_KEY,
  MPP_VERIFICATION_FAILED_CODE,
  metaOf,
  X402_RESPONSE_KEY,
} from "./wire";

/**
 * The MCP SDK's McpServer turns any McpError but -32042 thrown by a tool into an isError text result and
 * drops its data (reference 1.2.6), so this text is the only trace of a refused credential there.
 */
const SDK_REFUSAL_TEXT = /^MCP error -3204[23]:/;

export function classifyPaidResponse(message: unknown): PaidOutcome {
  const envelope = JsonRpcResponseSchema.safeParse(message);
  if (!envelope.success) return maybe("response is not a JSON-RPC response");
  const { error, result } = envelope.data;
  if (error !== undefined) return fromError(error.code, message);
  if (result === undefined) return maybe("response has neither result nor error");
  return fromResult(result, message);
}

function fromError(code: number, message: unknown): PaidOutcome {
  if (code === MPP_VERIFICATION_FAILED_CODE) return refused("payment verification failed (-32043)");
  if (code === INVALID_PARAMS_CODE) return refused("credential or params rejected as malformed (-32602)");
  const fresh = detectPaymentRequired(message);
  if (fresh !== null && code === MPP_PAYMENT_REQUIRED_CODE)
    return refused("server answered with a fresh challenge (-32042)");
  if (fresh !== null) return refused("server asked for payment again (402)");
  return maybe(`JSON-RPC error ${code} after a credential`);
}

function fromResult(result: Record<string, unknown>, message: unknown): PaidOutcome {
  const meta = metaOf(result);
  const mppReceipt = asRecord(meta?.[MPP_RECEIPT_KEY]);
  if (mppReceipt !== null && mppReceipt.status === "success") {
    return {
      kind: "receipt",
      reference: stringOrNull(mppReceipt.reference),
      challengeId: stringOrNull(mppReceipt.challengeId),
      settledAmount: null,
    };
  }
  const settle = asRecord(meta?.[X402_RESPONSE_KEY]);
  if (settle !== null && settle.success === true) {
    return {
      kind: "receipt",
      reference: stringOrNull(settle.transaction),
      challengeId: null,
      settledAmount: parseBaseUnits(settle.amount),
    };
  }
  if (detectPaymentRequired(message) !== null) return refused("server asked for payment again");
  if (result.isError === true) {
    const text = firstContentText(result);
    if (text !== null && SDK_REFUSAL_TEXT.test(text))
      return refused("payment refused by the server (MCP SDK error text)");
    return maybe("tool error without a receipt after a credential");
  }
  if (mppReceipt !== null || settle !== null) return maybe("receipt present but not successful");
  return { kind: "unpaid_success" };
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function refused(reason: string): PaidOutcome {
  return { kind: "refused", reason };
}

function maybe(reason: string): PaidOutcome {
  return { kind: "maybe_paid", reason };
}
