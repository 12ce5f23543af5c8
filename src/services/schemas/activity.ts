// Read-mostly activity: transactions (cursor-paginated), approvals, budget balances.
import { z } from "zod";
import { TRANSACTION_STATUSES } from "../../ledger/statuses";
import { Currency, MajorAmount, MoneyView } from "../money";
import { Cursor, EpochMs, MAX_PAGE, TimeParam } from "./common";
import { ReceiptView } from "./receipts";

export const TransactionsQuery = z.strictObject({
  agentId: z.string().min(1).max(100).optional(),
  tool: z.string().min(1).max(500).optional(),
  status: z.enum(TRANSACTION_STATUSES).optional(),
  from: TimeParam.optional().describe("inclusive lower bound on createdAt"),
  to: TimeParam.optional().describe("exclusive upper bound on createdAt"),
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
});
export type TransactionsQuery = z.infer<typeof TransactionsQuery>;

export const TransactionView = z.object({
  id: z.string(),
  agentId: z.string().nullable(),
  sessionId: z.string().nullable(),
  tool: z.string().nullable(),
  upstreamId: z.string().nullable(),
  kind: z.enum(["payment", "estimate", "cooperative", "free"]),
  price: MoneyView.nullable(),
  committed: MoneyView.nullable(),
  vendor: z.string().nullable(),
  decision: z.enum(["allow", "deny", "require_approval"]),
  shadow: z.boolean(),
  reasonCode: z.string().nullable(),
  reason: z.string().nullable(),
  rules: z.array(z.unknown()),
  status: z.enum(TRANSACTION_STATUSES),
  unconfirmed: z.boolean(),
  challengeId: z.string().nullable(),
  receiptRef: z.string().nullable(),
  approvalId: z.string().nullable(),
  walletId: z
    .string()
    .nullable()
    .describe("the org wallet Tollgate paid with (tollgate-pays); null: the agent paid"),
  createdAt: EpochMs,
  updatedAt: EpochMs,
  receipts: z
    .array(ReceiptView)
    .describe("signed decision receipts (one per final decision; empty until the ledger has flushed)"),
});
export type TransactionView = z.infer<typeof TransactionView>;
export const TransactionPage = z.object({
  data: z.array(TransactionView),
  nextCursor: z.string().nullable(),
});

export const APPROVAL_STATUSES = ["pending", "approved", "rejected", "expired", "consumed"] as const;
export const ApprovalsQuery = z.strictObject({
  status: z.enum([...APPROVAL_STATUSES, "all"]).default("pending"),
  agentId: z.string().min(1).max(100).optional(),
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(100),
});
export type ApprovalsQuery = z.infer<typeof ApprovalsQuery>;
const Note = z.string().max(2000);
export const DecideBody = z.strictObject({ note: Note.optional() });

/** The most the approved call may cost, in major units of a known currency ("12.00" PATHUSD). */
export const MaxPrice = z.strictObject({
  amount: MajorAmount.describe('major units, e.g. "12.00"'),
  currency: Currency,
});
export type MaxPrice = z.infer<typeof MaxPrice>;
export const ApproveBody = z.strictObject({
  note: Note.optional(),
  maxPrice: MaxPrice.optional().describe(
    "a price ceiling: for a priced approval, at or above the price shown and in its currency (the " +
      "ceiling is held); for an approval asked before the price was known, the most its price may be",
  ),
});
export type ApproveBody = z.infer<typeof ApproveBody>;

export const ApprovalView = z.object({
  id: z.string(),
  agentId: z.string(),
  tool: z.string(),
  argsHash: z.string(),
  argsSummary: z.string(),
  price: MoneyView.nullable(),
  maxPrice: MoneyView.nullable().describe("the approver's ceiling, when one was given"),
  vendor: z.string().nullable(),
  rule: z.string(),
  reason: z.string(),
  status: z.enum(APPROVAL_STATUSES),
  note: z.string().nullable(),
  expiresAt: EpochMs,
  createdAt: EpochMs,
  decidedAt: EpochMs.nullable(),
});
export type ApprovalView = z.infer<typeof ApprovalView>;

export const BudgetsQuery = z.strictObject({ agentId: z.string().min(1).max(100) });
export const BalanceView = z.object({
  key: z.string(),
  label: z.string(),
  window: z.string(),
  kind: z.enum(["money", "count"]),
  unit: z.string(),
  limit: z.string(),
  committed: z.string(),
  reserved: z.string(),
  remaining: z.string(),
  currency: z.string().nullable(),
  decimals: z.number().int().nullable(),
  display: z.string().nullable().describe('remaining of limit, e.g. "42.50 / 50.00 USD"'),
  windowStart: EpochMs.nullable(),
  windowEnd: EpochMs.nullable(),
});
export type BalanceView = z.infer<typeof BalanceView>;
export const BudgetsView = z.object({ agentId: z.string(), balances: z.array(BalanceView) });
