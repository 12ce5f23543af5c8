// One committed payment through the org's anomaly watch: velocity per currency for the org (and
// each agent, if asked), and the first payment to a payee. Runs inside the dispatcher's
// transactionSync; returns the events to queue (none on almost every payment).
import { sha256HexSync } from "../ledger/canonical";
import { currencyPeg, normalizeCurrency, parseExactDecimal, rescale, toBaseUnits } from "../money";
import type { AlertsConfig, VelocityAlert } from "./alert-config";
import type { EventInput, ObservePayment } from "./types";
import { bucketStart, horizons, isAbove, measure, nextEpisode, type VelocityRule, widths } from "./velocity";
import type { WatchStore } from "./watch-store";

type Payment = ObservePayment["payment"];

/** Payees longer than this are stored and sent as a prefix and a digest (bounded rows, no collisions). */
const PAYEE_CHARS = 200;

/**
 * How a payee is known: the same address in other letter cases is one payee (EVM hex addresses are
 * case-free); an oversized one (a hostile upstream's recipient) is its first 64 characters and its
 * SHA-256, so it can neither bloat the table nor pass for a known payee that shares its prefix.
 */
export function payeeKey(payee: string): string {
  const p = payee.trim();
  const key = /^0x[0-9a-fA-F]+$/.test(p) ? p.toLowerCase() : p;
  return key.length <= PAYEE_CHARS ? key : `${key.slice(0, 64)}…sha256:${sha256HexSync(key)}`;
}

export function observe(
  store: WatchStore,
  payment: Payment,
  alerts: AlertsConfig,
  now: number,
): EventInput[] {
  const out: EventInput[] = [];
  if (alerts.velocity.enabled && BigInt(payment.amount.amount) > 0n)
    out.push(...velocity(store, payment, alerts.velocity, now));
  if (alerts.newPayee.enabled && payment.payee)
    out.push(...newPayee(store, payment, alerts.newPayee.perAgent, now));
  return out;
}

function scopesOf(payment: Payment, perAgent: boolean): { scope: string; kind: "org" | "agent" }[] {
  const scopes: { scope: string; kind: "org" | "agent" }[] = [{ scope: "org", kind: "org" }];
  if (perAgent && payment.agentId) scopes.push({ scope: `agent:${payment.agentId}`, kind: "agent" });
  return scopes;
}

/** Pools spend at this scale: exact for every currency of at most 18 decimals (tokens and fiat alike). */
const POOL_DECIMALS = 18;

/**
 * The currency a payment's spend is pooled in: a stablecoin counts as the fiat it tracks (USDC,
 * pathUSD and USD are one pool), so a burst split across them is one burst. Amounts are rescaled
 * exactly to POOL_DECIMALS (a currency with more decimals pools alone, at its own).
 */
export function spendPool(m: { amount: string; currency: string; decimals: number }) {
  const code = normalizeCurrency(m.currency);
  const currency = currencyPeg(code) ?? code;
  const decimals = Math.max(POOL_DECIMALS, m.decimals);
  const scaled = rescale(BigInt(m.amount), m.decimals, decimals, "exact");
  return { currency, decimals, amount: scaled.ok ? scaled.value : 0n };
}

/** The configured floor for this pool in its base units, rounded up (0n when none is set). */
function minSpendOf(cfg: VelocityAlert, currency: string, decimals: number): bigint {
  const entry = cfg.minSpend.find((m) => {
    const code = normalizeCurrency(m.currency);
    return code === currency || currencyPeg(code) === currency;
  });
  if (!entry) return 0n;
  const d = parseExactDecimal(entry.amount);
  if (!d.ok) return 0n;
  const base = toBaseUnits(d.value, decimals, "up");
  return base.ok ? base.value : 0n;
}

function velocity(store: WatchStore, p: Payment, cfg: VelocityAlert, now: number): EventInput[] {
  const { currency, decimals, amount } = spendPool(p.amount);
  const unit = `${currency}/${decimals}`;
  const rule: VelocityRule = { ...cfg, minSpend: minSpendOf(cfg, currency, decimals) };
  const w = widths(rule);
  const config = `${cfg.windowMinutes}m/${cfg.baselineHours}h`;
  const horizon = horizons(rule, now);
  store.prune(horizon, now - w.windowMs - w.baselineMs);
  const out: EventInput[] = [];
  for (const { scope, kind } of scopesOf(p, cfg.perAgent)) {
    let row = store.watch(scope, unit);
    if (!row || row.config !== config) {
      store.resetBuckets(scope, unit);
      row = { config, since: now, episode: { firing: false, firedAt: null } };
    }
    store.add(scope, unit, "fine", bucketStart(now, w.fineMs), amount);
    store.add(scope, unit, "coarse", bucketStart(now, w.coarseMs), amount);
    const since = Math.min(row.since, now);
    const m = measure(
      rule,
      store.buckets(scope, unit, "fine"),
      store.buckets(scope, unit, "coarse"),
      since,
      now,
    );
    const next = nextEpisode(row.episode, isAbove(rule, m), now, w.windowMs);
    store.saveWatch(scope, unit, { config, since, episode: next.episode }, now);
    if (!next.fire) continue;
    out.push({
      type: "spend.velocity",
      data: {
        ...p,
        payee: p.payee ? payeeKey(p.payee) : null,
        scope: kind,
        currency,
        decimals,
        windowMinutes: cfg.windowMinutes,
        windowStart: new Date(horizon.fine).toISOString(),
        windowSpend: m.windowSpend.toString(),
        windowPayments: m.windowPayments,
        baselineHours: cfg.baselineHours,
        baselineMinutes: Math.floor(m.baselineMs / 60_000),
        baselineSpend: m.baselineSpend.toString(),
        usualWindowSpend: m.usualWindowSpend.toString(),
        multiplePercent: cfg.multiplePercent,
      },
    });
  }
  return out;
}

/** Org first: a payee new to the org is one event; with perAgent, a payee new only to this agent is another. */
function newPayee(store: WatchStore, p: Payment, perAgent: boolean, now: number): EventInput[] {
  const payee = payeeKey(p.payee ?? "");
  if (!payee) return [];
  let first: "org" | "agent" | null = null;
  for (const { scope, kind } of scopesOf(p, perAgent)) {
    if (store.notePayee(scope, payee, p.transactionId, now) && first === null) first = kind;
  }
  return first ? [{ type: "payee.new", data: { ...p, payee, scope: first } }] : [];
}
