// Display helpers for the dashboard: money in its currency's natural precision (the exact base units
// kept for a title), instants in the operator's time zone, durations, and datetime-local inputs read as
// wall time in that zone. Pure: `now` is passed.
import { formatMoney } from "../money";

/** Base units as the services return them; their `display` string (every decimal) is not used here. */
export type Money = { amount: string; currency: string; decimals: number };

/** "3.00 pathUSD"; "—" for no amount. */
export function money(m: Money | null | undefined): string {
  return m ? formatMoney(BigInt(m.amount), m.currency, m.decimals) : "—";
}

/** The exact amount behind a shown one: "3000000 base units (6 decimals)". */
export function exactUnits(m: { amount: string; decimals: number }): string {
  return `${m.amount} base units (${m.decimals} decimals)`;
}

/** Formatters per zone name as written (a cookie can carry any casing): emptied when full. */
const FORMATS_MAX = 500;
const timeFormats = new Map<string, Intl.DateTimeFormat>();

function timeFormat(tz: string): Intl.DateTimeFormat {
  let f = timeFormats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", {
      timeZone: tz,
      year: "numeric",
      month: "short",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short",
    });
    if (timeFormats.size >= FORMATS_MAX) timeFormats.clear();
    timeFormats.set(tz, f);
  }
  return f;
}

export function time(ms: number | null | undefined, tz: string): string {
  return ms === null || ms === undefined ? "—" : timeFormat(tz).format(ms);
}

/** "3d 4h", "2h 05m", "4m 12s", or "expired". */
export function duration(ms: number): string {
  if (ms <= 0) return "expired";
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m`;
  return `${m}m ${String(s % 60).padStart(2, "0")}s`;
}

const partFormats = new Map<string, Intl.DateTimeFormat>();

function wall(ms: number, tz: string): number {
  let f = partFormats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    if (partFormats.size >= FORMATS_MAX) partFormats.clear();
    partFormats.set(tz, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(ms)) p[part.type] = Number.parseInt(part.value, 10);
  return Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
}

/** "2026-03-01T09:30" (a datetime-local value) read as wall time in `tz`; null when malformed. */
export function localInputToInstant(value: string, tz: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const w = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0));
  if (!Number.isFinite(w)) return null;
  // Two fixed-point steps settle the zone offset, DST transitions included.
  let guess = w - (wall(w, tz) - w);
  guess = w - (wall(guess, tz) - guess);
  return guess;
}

export function instantToLocalInput(ms: number, tz: string): string {
  return new Date(wall(ms, tz)).toISOString().slice(0, 16);
}

/** A ratio in 0..1000 (per mille) of two base-unit amounts, for drawing only; never used as money. */
export function perMille(part: bigint, whole: bigint): number {
  if (whole <= 0n || part <= 0n) return 0;
  const r = (part * 1000n) / whole;
  return r > 1000n ? 1000 : Number(r);
}
