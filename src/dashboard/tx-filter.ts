// Transaction filters from a query string: the service's own filters (agent, tool, status, time range,
// cursor) plus an amount range checked exactly in each row's currency, and the CSV rendering.

import { TRANSACTION_STATUSES } from "../ledger/statuses";
import { formatAmount, parseDecimal } from "../money";
import { encodeCursor } from "../services/pages";
import type { TransactionView } from "../services/schemas/activity";
import { listTransactions } from "../services/transactions";
import { localInputToInstant } from "./format";

type Status = (typeof TRANSACTION_STATUSES)[number];

export type TxFilter = {
  agentId: string;
  tool: string;
  status: Status | "";
  fromText: string;
  toText: string;
  from: number | undefined;
  to: number | undefined;
  min: string;
  max: string;
  cursor: string;
  /** The filters as given (for links), without the cursor. */
  params: Record<string, string>;
  /** Each malformed field's message, shown at the field. */
  fieldErrors: Partial<Record<"from" | "to" | "min" | "max", string>>;
  /** All of them in one line, or null when the filter is usable. */
  error: string | null;
};

const AMOUNT = /^\d{1,30}(\.\d{1,36})?$/;

export function parseFilter(q: Record<string, string>, tz: string): TxFilter {
  const get = (k: string) => (q[k] ?? "").trim().slice(0, 500);
  const fieldErrors: TxFilter["fieldErrors"] = {};
  const status = get("status");
  const fromText = get("from");
  const toText = get("to");
  const from = fromText ? localInputToInstant(fromText, tz) : undefined;
  const to = toText ? localInputToInstant(toText, tz) : undefined;
  if (from === null) fieldErrors.from = "From is not a date and time";
  if (to === null) fieldErrors.to = "To is not a date and time";
  const min = get("min");
  const max = get("max");
  if (min && !AMOUNT.test(min)) fieldErrors.min = "Min amount must be a decimal number like 1.50";
  if (max && !AMOUNT.test(max)) fieldErrors.max = "Max amount must be a decimal number like 1.50";
  const errors = Object.values(fieldErrors);
  const validStatus = (TRANSACTION_STATUSES as readonly string[]).includes(status) ? (status as Status) : "";
  const params: Record<string, string> = {};
  for (const k of ["agentId", "tool", "status", "from", "to", "min", "max"]) if (get(k)) params[k] = get(k);
  return {
    agentId: get("agentId"),
    tool: get("tool"),
    status: validStatus,
    fromText,
    toText,
    from: from ?? undefined,
    to: to ?? undefined,
    min,
    max,
    cursor: get("cursor"),
    params,
    fieldErrors,
    error: errors.length > 0 ? errors.join("; ") : null,
  };
}

/** Compared in the row's own base units; a bound with more decimals than the currency has never matches. */
export function amountMatches(t: TransactionView, min: string, max: string): boolean {
  if (!min && !max) return true;
  const m = t.committed ?? t.price;
  if (!m) return false;
  const amount = BigInt(m.amount);
  if (min) {
    const p = parseDecimal(min, m.decimals);
    if (!p.ok || amount < p.value) return false;
  }
  if (max) {
    const p = parseDecimal(max, m.decimals);
    if (!p.ok || amount > p.value) return false;
  }
  return true;
}

/**
 * Up to `want` matching rows, reading at most `maxPages` pages of the service. The cursor points after
 * the last row returned, so the next page resumes exactly there even when the amount filter skipped rows.
 */
export async function scanTransactions(
  env: Env,
  orgId: string,
  f: TxFilter,
  want: number,
  maxPages: number,
): Promise<{ rows: TransactionView[]; nextCursor: string | null }> {
  const rows: TransactionView[] = [];
  let cursor = f.cursor || undefined;
  const pageSize = f.min || f.max ? 200 : Math.min(200, want + 1);
  for (let page = 0; page < maxPages; page++) {
    const res = await listTransactions(env, orgId, {
      ...(f.agentId ? { agentId: f.agentId } : {}),
      ...(f.tool ? { tool: f.tool } : {}),
      ...(f.status ? { status: f.status } : {}),
      ...(f.from !== undefined ? { from: f.from } : {}),
      ...(f.to !== undefined ? { to: f.to } : {}),
      ...(cursor ? { cursor } : {}),
      limit: pageSize,
    });
    for (const t of res.data) {
      if (!amountMatches(t, f.min, f.max)) continue;
      if (rows.length === want) {
        const last = rows[rows.length - 1]!;
        return { rows, nextCursor: encodeCursor(last.createdAt, last.id) };
      }
      rows.push(t);
    }
    if (!res.nextCursor) return { rows, nextCursor: null };
    cursor = res.nextCursor;
  }
  return { rows, nextCursor: cursor ?? null };
}

const CSV_COLUMNS = [
  "id",
  "created_at_utc",
  "agent_id",
  "tool",
  "status",
  "decision",
  "price",
  "committed",
  "currency",
  "vendor",
  "reason_code",
  "challenge_id",
  "receipt_ref",
  "approval_id",
  "wallet_id",
] as const;

function cell(v: string | null): string {
  let s = v ?? "";
  // A leading = + - @ would run as a formula in a spreadsheet.
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: TransactionView[]): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const t of rows) {
    const m = t.price ?? t.committed;
    lines.push(
      [
        t.id,
        new Date(t.createdAt).toISOString(),
        t.agentId,
        t.tool,
        t.status,
        t.decision,
        t.price ? formatAmount(BigInt(t.price.amount), t.price.decimals) : null,
        t.committed ? formatAmount(BigInt(t.committed.amount), t.committed.decimals) : null,
        m?.currency ?? null,
        t.vendor,
        t.reasonCode,
        t.challengeId,
        t.receiptRef,
        t.approvalId,
        t.walletId,
      ]
        .map(cell)
        .join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}
