// Transaction statuses belong to the ledger: it moves a transaction through them. D1's
// `transactions.status` column and the admin API's filters take their list from here.
export const TRANSACTION_STATUSES = [
  "allowed",
  "reserved",
  "committed",
  "released",
  "expired",
  "denied",
  "pending_approval",
] as const;

export type TransactionStatus = (typeof TRANSACTION_STATUSES)[number];
