// Classifies the HTTP answer to a request that carried a credential (tollgate_fetch's paid retry), with the
// kinds classifyPaidResponse gives for MCP, so one settlement rule serves both. Unsure means maybe_paid.
import { parseBaseUnits } from "./amount";
import { decodeBase64Json } from "./base64";
import { detectHttpPaymentRequired, type HttpAnswer } from "./http-detect";
import type { PaidOutcome } from "./types";
import { asRecord } from "./wire";

export const MPP_RECEIPT_HEADER = "Payment-Receipt";
export const X402_V2_RESPONSE_HEADER = "PAYMENT-RESPONSE";
export const X402_V1_RESPONSE_HEADER = "X-PAYMENT-RESPONSE";

const PROBLEM_BASE = "https://paymentauth.org/problems/";

export function classifyHttpPaidResponse(answer: HttpAnswer): PaidOutcome {
  const { status, headers } = answer;
  const mppReceipt = readHeaderJson(headers.get(MPP_RECEIPT_HEADER));
  const v2Settle = readHeaderJson(headers.get(X402_V2_RESPONSE_HEADER));
  const settle = v2Settle === "absent" ? readHeaderJson(headers.get(X402_V1_RESPONSE_HEADER)) : v2Settle;
  if (status >= 200 && status < 300) return fromSuccess(answer, mppReceipt, settle);
  // A failed x402 settlement says so in the response header (402 + success:false, reference 2.1).
  if (settle !== "absent" && settle !== "unreadable" && settle.success === false)
    return refused(`x402 settlement failed${reasonOf(settle.errorReason)}`);
  if (status === 402 || status === 401) {
    // The draft answers a bad, expired or used credential with 402 and a fresh challenge (1.1).
    const fresh = detectHttpPaymentRequired({ ...answer, status: 402 });
    if (fresh !== null && fresh.source !== "http-unrecognized")
      return refused(`server asked for payment again (${status} with a fresh challenge)`);
    return maybe(`HTTP ${status} without a challenge after a credential`);
  }
  if (status >= 400 && status < 500 && status !== 403 && isPaymentProblem(answer.bodyText))
    return refused(`payment problem (HTTP ${status}): the credential was not accepted`);
  // 403: "the payment was valid but policy denies access" (1.1): it may have settled.
  return maybe(`HTTP ${status} after a credential`);
}

type Decoded = Record<string, unknown> | "absent" | "unreadable";

function fromSuccess(answer: HttpAnswer, mppReceipt: Decoded, settle: Decoded): PaidOutcome {
  if (typeof mppReceipt === "object" && mppReceipt.status === "success") {
    return {
      kind: "receipt",
      reference: stringOrNull(mppReceipt.reference),
      challengeId: stringOrNull(mppReceipt.challengeId),
      settledAmount: null,
    };
  }
  if (typeof settle === "object" && settle.success === true) {
    return {
      kind: "receipt",
      reference: stringOrNull(settle.transaction),
      challengeId: null,
      settledAmount: parseBaseUnits(settle.amount),
    };
  }
  if (mppReceipt !== "absent" || settle !== "absent")
    return maybe(`HTTP ${answer.status} with a receipt that is unreadable or not successful`);
  return { kind: "unpaid_success" };
}

/** Receipts are base64url (MPP) or base64 (x402) JSON; decodeBase64Json reads both alphabets. */
function readHeaderJson(value: string | null): Decoded {
  if (value === null) return "absent";
  return asRecord(decodeBase64Json(value)) ?? "unreadable";
}

/** An RFC 9457 body whose type is one of the Payment scheme's problems (never its free text). */
function isPaymentProblem(bodyText: string | null): boolean {
  if (bodyText === null || bodyText.length > 64 * 1024 || !bodyText.trimStart().startsWith("{")) return false;
  try {
    const type = asRecord(JSON.parse(bodyText))?.type;
    return typeof type === "string" && type.startsWith(PROBLEM_BASE);
  } catch {
    return false;
  }
}

function reasonOf(value: unknown): string {
  return typeof value === "string" && /^[A-Za-z0-9_.:-]{1,64}$/.test(value) ? ` (${value})` : "";
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
