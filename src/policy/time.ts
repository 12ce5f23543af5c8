// Clock-free time helpers: durations ("30m"), zone validation, and the local wall-clock fields of `now`
// in an IANA time zone (Intl, cached per zone).

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const MAX_DURATION_MS = 365 * 86_400_000;

/** Parses "30m", "2h", "1d", "90s", "500ms". Returns null when malformed, zero or over a year. */
export function parseDuration(text: string): number | null {
  const m = /^(\d{1,9})(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) return null;
  const ms = Number(m[1]) * (UNIT_MS[m[2] ?? ""] ?? 0);
  return ms > 0 && ms <= MAX_DURATION_MS ? ms : null;
}

/**
 * One formatter per zone name as written. Intl accepts any casing ("europe/paris"), so the names are
 * not a closed set: the map is emptied when full (a formatter is cheap to make again).
 */
const FORMATTERS_MAX = 1_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
    });
    if (formatters.size >= FORMATTERS_MAX) formatters.clear();
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the runtime's Intl knows this IANA zone: the one check every input uses. */
export function isValidTimeZone(timeZone: string): boolean {
  if (formatters.has(timeZone)) return true;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export type LocalTime = { hour: number; minute: number; minuteOfDay: number; weekday: number };

const WEEKDAY_SHORT: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Wall-clock hour, minute and weekday (0 = Sunday) of `now` (epoch ms) in `timeZone`. */
export function localTime(now: number, timeZone: string): LocalTime {
  let hour = 0;
  let minute = 0;
  let weekday = 0;
  for (const part of formatter(timeZone).formatToParts(new Date(now))) {
    if (part.type === "hour") hour = Number(part.value) % 24;
    else if (part.type === "minute") minute = Number(part.value);
    else if (part.type === "weekday") weekday = WEEKDAY_SHORT[part.value] ?? 0;
  }
  return { hour, minute, minuteOfDay: hour * 60 + minute, weekday };
}

const WEEKDAY_NAMES: Record<string, number> = {
  sun: 0,
  sunday: 0,
  mon: 1,
  monday: 1,
  tue: 2,
  tues: 2,
  tuesday: 2,
  wed: 3,
  wednesday: 3,
  thu: 4,
  thur: 4,
  thurs: 4,
  thursday: 4,
  fri: 5,
  friday: 5,
  sat: 6,
  saturday: 6,
};

/** Weekday from a policy value: 0-6 or a name such as "sat" / "Saturday". */
export function weekdayOf(value: unknown): number | null {
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 && value <= 6 ? value : null;
  if (typeof value !== "string") return null;
  if (/^[0-6]$/.test(value)) return Number(value);
  const n = WEEKDAY_NAMES[value.trim().toLowerCase()];
  return n === undefined ? null : n;
}

/** "HH:MM" (00:00-24:00) to minutes after midnight, or null. */
export function parseClock(text: string): number | null {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes <= 1440 ? minutes : null;
}
