// Zod schemas for everything that crosses the ledger's RPC boundary; types are their z.infer.
// Amounts travel as strings of base-unit digits (bigint inside, TEXT in SQLite).
import { z } from "zod";
import { CredentialSchema } from "../payments/types";
import { isValidTimeZone } from "../policy/time";
import { TRANSACTION_STATUSES } from "./statuses";

export const MIN_TTL_MS = 1_000;
export const MAX_TTL_MS = 86_400_000;

/** Non-negative integer in base units, canonical (no sign, no leading zeros), at most 78 digits (uint256). */
export const BaseUnits = z.string().regex(/^(0|[1-9][0-9]{0,77})$/, "must be a string of base-unit digits");
const Id = z.string().min(1).max(255);
const EpochMs = z.number().int().nonnegative().max(8_640_000_000_000_000);

export const Window = z.enum(["minute", "hour", "day", "week", "month", "total", "session"]);
export type Window = z.infer<typeof Window>;

export const OveragePolicy = z.enum(["reject", "allow_if_available", "allow_with_overdraft"]);
export type OveragePolicy = z.infer<typeof OveragePolicy>;

export const TimeZone = z.string().min(1).max(64).refine(isValidTimeZone, "must be an IANA time zone");

const scopeLineShape = {
  key: z.string().min(1).max(200),
  label: z.string().max(200),
  window: Window,
  timeZone: TimeZone.default("UTC"),
  limit: BaseUnits,
  unit: z.string().min(1).max(32),
  kind: z.enum(["money", "count"]),
  sessionId: z.string().min(1).max(255).nullish(),
  overage: OveragePolicy.default("reject"),
  overdraftLimit: BaseUnits.default("0"),
  /** Held and counted but never refused for lack of room (a shadow-mode policy's lines). */
  soft: z.boolean().default(false),
};

const needsSession = (l: { window: Window; sessionId?: string | null | undefined }) =>
  l.window !== "session" || (l.sessionId !== null && l.sessionId !== undefined);
const sessionMessage = { message: "sessionId is required for session windows", path: ["sessionId"] };

export const ScopeLine = z
  .strictObject({ ...scopeLineShape, amount: BaseUnits })
  .refine(needsSession, sessionMessage);
/** What callers build (defaults optional); ParsedScopeLine is what the ledger works with. */
export type ScopeLine = z.input<typeof ScopeLine>;
export type ParsedScopeLine = z.output<typeof ScopeLine>;

/** A line without an amount; an `amount` is accepted and ignored so callers can pass ScopeLines. */
export const BalanceLine = z
  .strictObject({ ...scopeLineShape, amount: BaseUnits.optional() })
  .refine(needsSession, sessionMessage);
export type BalanceLine = z.input<typeof BalanceLine>;
export type ParsedBalanceLine = z.output<typeof BalanceLine>;

const uniqueKeys = (lines: { key: string }[]) => new Set(lines.map((l) => l.key)).size === lines.length;

export const TxRecord = z.strictObject({
  id: Id,
  orgId: Id,
  agentId: Id.nullable(),
  sessionId: Id.nullable(),
  tool: z.string().max(500).nullable(),
  upstreamId: Id.nullable(),
  kind: z.enum(["payment", "estimate", "cooperative", "free"]),
  amount: BaseUnits.nullable(),
  currency: z.string().min(1).max(32).nullable(),
  decimals: z.number().int().min(0).max(36).nullable(),
  vendor: z.string().max(500).nullable(),
  decision: z.enum(["allow", "deny", "require_approval"]),
  shadow: z.boolean(),
  reasonCode: z.string().max(100).nullable(),
  reason: z.string().max(2000).nullable(),
  rules: z.array(z.unknown()).max(100),
  status: z.enum(TRANSACTION_STATUSES),
  challengeId: z.string().max(500).nullable(),
  approvalId: z.string().max(255).nullable(),
  /** The org wallet Tollgate paid with (tollgate-pays mode); absent when the agent paid. */
  walletId: Id.nullable().optional(),
  /** sha256 hex of the call's canonical arguments, carried into its receipt. */
  argsHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable()
    .optional(),
});
export type TxRecord = z.infer<typeof TxRecord>;
export type TxStatus = TxRecord["status"];

/** Offer keys a paid retry may later `claim` this reservation by (MPP challenge ids, x402 offer keys). */
export const OfferKey = z.string().min(1).max(2000);
/** sha256 hex of the call's canonical arguments: the paid retry must be the call that was judged. */
const ArgsHash = z.string().regex(/^[0-9a-f]{64}$/, "must be a sha256 hex digest");
/** One offer a reservation covers: its key and its terms (payments offerTerms JSON). */
export const BoundOffer = z.strictObject({ key: OfferKey, terms: z.string().min(2).max(16_384) });
export const OfferBind = z.strictObject({
  offers: z.array(BoundOffer).min(1).max(16),
  tool: z.string().min(1).max(500),
  agentId: Id,
  argsHash: ArgsHash,
  /** The gateway session the call was judged in; null for clients without one. */
  sessionId: Id.nullable(),
});
export type OfferBind = z.infer<typeof OfferBind>;

/** Set by the client when the org has more than one ledger shard (docs/ledger-sharding.md). */
export const ShardRoute = z.strictObject({
  index: z.number().int().min(0).max(255),
  of: z.number().int().min(2).max(256),
  /** the parent ledger's object name */
  parent: Id,
});

export const ReserveInput = z.strictObject({
  idempotencyKey: z.string().min(1).max(255),
  lines: z.array(ScopeLine).max(32).refine(uniqueKeys, "line keys must be unique"),
  ttlMs: z.number().int().min(MIN_TTL_MS).max(MAX_TTL_MS),
  now: EpochMs,
  tx: TxRecord,
  bind: OfferBind.optional(),
  /** false: an internal hold whose tx row never reaches D1 (default true). */
  audit: z.boolean().optional(),
  /** absent for an org with one ledger (today's path) */
  shard: ShardRoute.optional(),
});
export type ReserveInput = z.input<typeof ReserveInput>;

export const ClaimInput = z.strictObject({
  offerKey: OfferKey,
  tool: z.string().min(1).max(500),
  agentId: Id,
  argsHash: ArgsHash,
  sessionId: Id.nullable(),
  /** Checked against the bound offer's terms before anything is claimed (payments credentialMismatch). */
  credential: CredentialSchema,
  /** A claimed hold lives at least this long from `now`: the upstream may settle slowly. */
  holdMs: z.number().int().min(MIN_TTL_MS).max(MAX_TTL_MS),
  now: EpochMs,
});
export type ClaimInput = z.input<typeof ClaimInput>;

/** Bind offers to an existing reservation (a hold made when a human approved a price). */
export const AttachOffersInput = z.strictObject({ reservationId: Id, bind: OfferBind, now: EpochMs });
export type AttachOffersInput = z.input<typeof AttachOffersInput>;

/** What was really paid, in the paid offer's own unit (it may differ from the budgeted offer). */
export const PaidAmount = z.strictObject({
  amount: BaseUnits,
  currency: z.string().min(1).max(32),
  decimals: z.number().int().min(0).max(36),
});
export type PaidAmount = z.infer<typeof PaidAmount>;

export const CommitInput = z.strictObject({
  reservationId: Id,
  now: EpochMs,
  /** The tx's committed amount when given (else the largest money-line charge). */
  paid: PaidAmount.optional(),
  actualAmounts: z.record(z.string(), BaseUnits).optional(),
  unconfirmed: z.boolean().optional(),
  receiptRef: z.string().max(500).nullish(),
});
export type CommitInput = z.input<typeof CommitInput>;

export const ExtendInput = z.strictObject({
  reservationId: Id,
  ttlMs: z.number().int().min(MIN_TTL_MS).max(MAX_TTL_MS),
  now: EpochMs,
});
export type ExtendInput = z.input<typeof ExtendInput>;

export const ReleaseInput = z.strictObject({
  reservationId: Id,
  reason: z.string().max(500),
  now: EpochMs,
  /** The call reached the upstream: its count lines (rate limits, counters) are kept, money released. */
  keepCounts: z.boolean().optional(),
});
export type ReleaseInput = z.input<typeof ReleaseInput>;

/** Statuses a budget-free decision may be recorded with (the rest belong to reservations). */
export const RECORDABLE_STATUSES = ["allowed", "denied", "pending_approval"] as const;
export const RecordInput = z.strictObject({
  tx: TxRecord.extend({ status: z.enum(RECORDABLE_STATUSES) }),
  now: EpochMs,
});
export type RecordInput = z.input<typeof RecordInput>;

export const TxPatch = TxRecord.omit({ id: true, orgId: true }).partial();
export type TxPatch = z.infer<typeof TxPatch>;
export const UpdateTxInput = z.strictObject({ id: Id, patch: TxPatch, now: EpochMs });
export type UpdateTxInput = z.input<typeof UpdateTxInput>;

export const BalancesInput = z.strictObject({
  lines: z.array(BalanceLine).max(64),
  now: EpochMs,
});
export type BalancesInput = z.input<typeof BalancesInput>;

export const GetReservationInput = z.strictObject({ reservationId: Id });
export const SweepInput = z.strictObject({ now: EpochMs });
