// Shapes the ledger answers with. Denials and refusals are data (ok: false + reason), never throws.
import { z } from "zod";
import { Window } from "./types";

export const Balance = z.object({
  key: z.string(),
  label: z.string(),
  window: Window,
  unit: z.string(),
  limit: z.string(),
  committed: z.string(),
  reserved: z.string(),
  /** limit - committed - reserved; negative only after an explicit overdraft. */
  remaining: z.string(),
  /** sharded orgs, shared lines: room the shards hold unused (remaining = limit - committed - reserved - leased) */
  leased: z.string().optional(),
  windowStart: z.number().nullable(),
  windowEnd: z.number().nullable(),
});
export type Balance = z.infer<typeof Balance>;

export type DeniedScope = {
  key: string;
  label: string;
  window: Window;
  unit: string;
  limit: string;
  used: string;
  remaining: string;
  resetsAt: number | null;
};

export type ReserveResult =
  | { ok: true; reservationId: string; expiresAt: number; balances: Balance[] }
  | { ok: false; reason: "budget_exceeded"; scope: DeniedScope; balances: Balance[] }
  | { ok: false; reason: "idempotency_conflict"; message: string };

export type ClaimRefusal =
  | "unknown"
  | "expired"
  | "used"
  | "tool_mismatch"
  | "arguments_mismatch"
  | "session_mismatch"
  | "credential_mismatch";

export type ClaimResult =
  | {
      ok: true;
      reservationId: string;
      offerKey: string;
      /** The bound offer the credential pays (payments offerTerms JSON). */
      terms: string;
      expiresAt: number;
      lines: { key: string; unit: string; kind: "money" | "count"; amount: string }[];
    }
  | { ok: false; reason: ClaimRefusal; detail?: string };

export type AttachOffersResult =
  | { ok: true }
  | { ok: false; reason: "not_found" | "expired" | "not_active" | "already_bound" };

export type ReservationStatus = "active" | "committed" | "released" | "expired";

export type CommitLine = {
  key: string;
  reserved: string;
  /** What the caller said the call actually cost on this line. */
  actual: string;
  /** What was counted against the line (differs from actual only under an overage policy). */
  charged: string;
  /** Returned to the budget: reserved - charged when positive. */
  released: string;
  /** none | capped (allow_if_available clipped it) | overdraft (debt beyond the limit). */
  overage: "none" | "capped" | "overdraft";
  /** Charged beyond the limit (allow_with_overdraft). */
  debt: string;
};

export type CommitResult =
  | { ok: true; reservationId: string; status: "committed"; committedAt: number; lines: CommitLine[] }
  | { ok: false; reason: "not_found" | "expired" | "already_released" }
  | {
      ok: false;
      reason: "overage_rejected" | "overdraft_limit_exceeded";
      key: string;
      reserved: string;
      actual: string;
      available: string;
    };

export type ReleaseResult =
  | { ok: true; reservationId: string; status: "released" | "committed" | "expired" }
  | { ok: false; reason: "not_found" };

export type ExtendResult =
  | { ok: true; reservationId: string; expiresAt: number }
  | { ok: false; reason: "not_found" | "expired" | "not_active" };

export type RecordResult = { ok: true; id: string } | { ok: false; reason: "idempotency_conflict" };

export type UpdateTxResult =
  | { ok: true; id: string }
  | { ok: false; reason: "not_found" | "status_owned_by_reservation" };

export type ReservationLineView = {
  key: string;
  label: string;
  window: Window;
  unit: string;
  kind: "money" | "count";
  instance: string;
  windowStart: number | null;
  windowEnd: number | null;
  amount: string;
  charged: string | null;
};

export type ReservationView = {
  reservationId: string;
  status: ReservationStatus;
  createdAt: number;
  expiresAt: number;
  finalizedAt: number | null;
  lines: ReservationLineView[];
};

export type SweepResult = { expired: number; flushed: number; outboxPending: number };

export type VerifyResult = { ok: true } | { ok: false; problems: string[] };
