// What an agent is told when its paid retry cannot claim the hold it names: one denial per ledger
// claim refusal, each saying what to do next.
import type { ClaimRefusal } from "../ledger/results";
import type { DenialReason } from "./denial";

export const CLAIM_DENIAL: Record<ClaimRefusal, { reason: DenialReason; message: string }> = {
  unknown: {
    reason: "unknown_challenge",
    message: "the payment credential answers a challenge this gateway never issued a budget for.",
  },
  expired: {
    reason: "challenge_expired",
    message: "the payment challenge has expired; call again for a fresh one.",
  },
  used: {
    reason: "challenge_used",
    message: "this payment challenge was already used; call again for a fresh one.",
  },
  tool_mismatch: {
    reason: "tool_mismatch",
    message: "the payment credential was issued for a different call.",
  },
  arguments_mismatch: {
    reason: "arguments_mismatch",
    message:
      "the paid retry's arguments differ from the call that was judged and priced; retry the same call with the same arguments.",
  },
  session_mismatch: {
    reason: "session_mismatch",
    message: "the payment challenge was issued in another session; retry it in the session that received it.",
  },
  credential_mismatch: {
    reason: "credential_mismatch",
    message: "the payment credential does not pay the offer that was budgeted",
  },
};
