// Agent mandates (Quetra-style): per-agent budgets, per-transaction cap, approval threshold, vendor and
// category lists, time windows and rate limits. Judged alongside the policy; the strictest side wins.
import { z } from "zod";
import type { ConversionTable } from "../money/convert";
import { normalizeCurrency } from "../money/currency";
import { mandateBudgetKey, mandateRateKey } from "./keys";
import type { Outcome } from "./outcome";
import type { CallView } from "./paths";
import { priceIn, showMoney } from "./spend";
import { isValidTimeZone, localTime, parseClock } from "./time";
import type { Denial, RuleResult, ScopeLine, ScopeWindow } from "./types";

const Digits = z.string().regex(/^\d{1,40}$/, "expected base units as a string of digits");
const Clock = z.string().refine((s) => parseClock(s) !== null, "expected HH:MM between 00:00 and 24:00");

export const MandateSchema = z.object({
  agentId: z.string().min(1),
  /** The agent's name, for messages ("agent research-bot: daily budget ..."); the id when absent. */
  agentName: z.string().min(1).optional(),
  active: z.boolean(),
  currency: z.string().min(1),
  decimals: z.number().int().min(0).max(36),
  timeZone: z.string().refine(isValidTimeZone, "unknown IANA time zone").default("UTC"),
  budgets: z
    .object({
      daily: Digits.optional(),
      weekly: Digits.optional(),
      monthly: Digits.optional(),
      total: Digits.optional(),
    })
    .default({}),
  perTransactionLimit: Digits.optional(),
  approvalThreshold: Digits.optional(),
  vendorAllow: z.array(z.string().min(1)).optional(),
  vendorDeny: z.array(z.string().min(1)).optional(),
  /** Allowlist of categories. */
  categories: z.array(z.string().min(1)).optional(),
  timeWindows: z
    .array(z.object({ days: z.array(z.number().int().min(0).max(6)), start: Clock, end: Clock }))
    .optional(),
  rateLimits: z
    .array(z.object({ count: z.number().int().positive(), window: z.enum(["minute", "hour", "day"]) }))
    .optional(),
});
export type Mandate = z.infer<typeof MandateSchema>;
export type MandateInput = z.input<typeof MandateSchema>;

const BUDGET_WINDOWS: [keyof Mandate["budgets"], ScopeWindow][] = [
  ["daily", "day"],
  ["weekly", "week"],
  ["monthly", "month"],
  ["total", "total"],
];
export const DEFAULT_MANDATE_APPROVAL_TIMEOUT_MS = 30 * 60_000;

/** Exact host or any subdomain of it, case-insensitive: "api.example.com" matches "example.com". */
export function vendorMatches(vendor: string, pattern: string): boolean {
  const v = vendor.toLowerCase();
  const p = pattern.toLowerCase();
  return v === p || v.endsWith(`.${p}`);
}

function inWindow(m: Mandate, now: number): boolean {
  const t = localTime(now, m.timeZone);
  return (m.timeWindows ?? []).some((w) => {
    const s = parseClock(w.start) ?? 0;
    const e = parseClock(w.end) ?? 0;
    if (s === e) return w.days.includes(t.weekday);
    if (s < e) return w.days.includes(t.weekday) && t.minuteOfDay >= s && t.minuteOfDay < e;
    // Overnight window: belongs to the day it starts on.
    return (
      (w.days.includes(t.weekday) && t.minuteOfDay >= s) ||
      (w.days.includes((t.weekday + 6) % 7) && t.minuteOfDay < e)
    );
  });
}

type Check = { name: string; code: Denial["code"]; fails: boolean; message: string; passReason: string };

function gateChecks(m: Mandate, view: CallView): Check[] {
  const { vendor, category, agentId } = view.call;
  const checks: Check[] = [
    {
      name: "mandate active",
      code: "mandate_inactive",
      fails: !m.active,
      message: `The mandate of agent "${m.agentName ?? m.agentId}" is not active`,
      passReason: "mandate is active",
    },
    {
      name: "mandate agent",
      code: "mandate_inactive",
      fails: m.agentId !== agentId,
      message: `The mandate belongs to agent "${m.agentId}", not "${agentId}"`,
      passReason: "mandate matches the agent",
    },
  ];
  if (m.vendorDeny?.length) {
    const hit = vendor !== null && m.vendorDeny.some((p) => vendorMatches(vendor, p));
    checks.push({
      name: "vendor blocklist",
      code: "vendor_denied",
      fails: hit,
      message: `Vendor "${vendor}" is blocked by the mandate`,
      passReason: "vendor is not blocked",
    });
  }
  if (m.vendorAllow) {
    const ok = vendor !== null && m.vendorAllow.some((p) => vendorMatches(vendor, p));
    checks.push({
      name: "vendor allowlist",
      code: "vendor_not_allowed",
      fails: !ok,
      message: `Vendor ${vendor === null ? "(unknown)" : `"${vendor}"`} is not on the mandate's allowlist`,
      passReason: "vendor is allowed",
    });
  }
  if (m.categories) {
    const ok = category !== null && m.categories.some((c) => c.toLowerCase() === category.toLowerCase());
    checks.push({
      name: "categories",
      code: "category_not_allowed",
      fails: !ok,
      message: `Category ${category === null ? "(unknown)" : `"${category}"`} is not allowed by the mandate`,
      passReason: "category is allowed",
    });
  }
  if (m.timeWindows?.length) {
    checks.push({
      name: "time windows",
      code: "outside_time_window",
      fails: !inWindow(m, view.now),
      message: `Calls are outside the mandate's allowed hours (${m.timeZone})`,
      passReason: "inside allowed hours",
    });
  }
  return checks;
}

function rateLines(m: Mandate): ScopeLine[] {
  const byWindow = new Map<string, number>();
  for (const r of m.rateLimits ?? [])
    byWindow.set(r.window, Math.min(byWindow.get(r.window) ?? r.count, r.count));
  return [...byWindow].map(([window, count]) => ({
    key: mandateRateKey(m.agentId, window),
    label: `agent ${m.agentName ?? m.agentId}: ${count} calls per ${window}`,
    window: window as ScopeWindow,
    timeZone: m.timeZone,
    limit: String(count),
    amount: "1",
    unit: "calls",
    kind: "count" as const,
  }));
}

export function evaluateMandate(
  m: Mandate,
  view: CallView,
  opts: { approved: boolean; conversions: ConversionTable },
): Outcome {
  const rules: RuleResult[] = [];
  const out: Outcome = {
    action: "allow",
    denial: null,
    rules,
    scopes: [],
    approvalTimeoutMs: null,
    idempotencyWindowMs: null,
  };
  const refuse = (
    name: string,
    code: Denial["code"],
    message: string,
    extra: Partial<Denial> = {},
  ): Outcome => {
    rules.push({ name, source: "mandate", passed: false, reason: message });
    return {
      ...out,
      action: "deny",
      denial: { code, rule: name, source: "mandate", message, ...extra },
      scopes: [],
    };
  };
  for (const c of gateChecks(m, view)) {
    if (c.fails) return refuse(c.name, c.code, c.message);
    rules.push({ name: c.name, source: "mandate", passed: true, reason: c.passReason });
  }
  out.scopes.push(...rateLines(m));
  const price = view.call.price;
  if (price === null) return out;
  const currency = normalizeCurrency(m.currency);
  const conv = priceIn(price, { code: currency, decimals: m.decimals }, opts.conversions);
  if (!conv.ok)
    return refuse(
      "mandate currency",
      price.amount < 0n ? "price_unknown" : "currency_unconvertible",
      `The price of ${price.amount} ${price.currency} cannot be judged in ${currency}: ${conv.error}`,
    );
  const b = conv.amount;
  const money = { limit: "", currency, decimals: m.decimals };
  if (m.perTransactionLimit !== undefined && b.value > BigInt(m.perTransactionLimit)) {
    const limit = BigInt(m.perTransactionLimit);
    return refuse(
      "per-transaction limit",
      "per_call_limit",
      `Price ${showMoney(b.value, b)} is over the mandate's per-transaction limit of ${showMoney(limit, b)}`,
      { ...money, limit: m.perTransactionLimit },
    );
  }
  if (m.approvalThreshold !== undefined && b.value > BigInt(m.approvalThreshold)) {
    const over = `Price ${showMoney(b.value, b)} is over the mandate's approval threshold of ${showMoney(BigInt(m.approvalThreshold), b)}`;
    if (opts.approved)
      rules.push({
        name: "approval threshold",
        source: "mandate",
        passed: true,
        reason: `${over}; approved by a human`,
      });
    else {
      rules.push({ name: "approval threshold", source: "mandate", passed: false, reason: over });
      out.action = "require_approval";
      out.denial = {
        code: "approval_required",
        rule: "approval threshold",
        source: "mandate",
        message: over,
        ...money,
        limit: m.approvalThreshold,
      };
      out.approvalTimeoutMs = DEFAULT_MANDATE_APPROVAL_TIMEOUT_MS;
    }
  }
  for (const [field, window] of BUDGET_WINDOWS) {
    const limit = m.budgets[field];
    if (limit === undefined || b.value === 0n) continue;
    out.scopes.push({
      key: mandateBudgetKey(m.agentId, field, b.unit),
      label: `agent ${m.agentName ?? m.agentId}: ${field} budget ${showMoney(BigInt(limit), b)}`,
      window,
      timeZone: m.timeZone,
      limit,
      amount: b.value.toString(),
      unit: b.unit,
      kind: "money",
    });
  }
  return out;
}
