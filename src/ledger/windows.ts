// Pure calendar-window math for budget lines: which [start, end) instant range a `now` falls in,
// in the line's IANA time zone (DST-correct, weeks start Monday). No clock: `now` is an argument.

export type WindowName = "minute" | "hour" | "day" | "week" | "month" | "total" | "session";
export type WindowBounds = { start: number; end: number };

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

type Wall = { year: number; month: number; day: number; hour: number; minute: number; second: number };

/** Per zone name as written (any casing is valid, so not a closed set): emptied when full. */
const ZONES_MAX = 1_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    if (formatters.size >= ZONES_MAX) formatters.clear();
    formatters.set(timeZone, f);
  }
  return f;
}

function wallAt(ts: number, timeZone: string): Wall {
  const wall: Wall = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter(timeZone).formatToParts(ts)) {
    if (part.type in wall) wall[part.type as keyof Wall] = Number.parseInt(part.value, 10);
  }
  return wall;
}

/** The wall-clock reading at `ts`, expressed as if it were a UTC epoch (ms precision dropped to s). */
function wallMs(ts: number, timeZone: string): number {
  const w = wallAt(ts, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

/** UTC offset in ms in effect at instant `ts`. */
function offsetAt(ts: number, timeZone: string): number {
  const whole = Math.floor(ts / 1000) * 1000;
  return wallMs(whole, timeZone) - whole;
}

/**
 * The first instant whose local wall time is >= `wall` (a wall time encoded as a UTC epoch).
 * Inside a DST gap that is the transition itself; inside an overlap it is the earlier occurrence.
 */
function firstInstantAtOrAfter(wall: number, timeZone: string): number {
  const candidates = [wall - offsetAt(wall - DAY, timeZone), wall - offsetAt(wall + DAY, timeZone)];
  candidates.push(wall - offsetAt(wall - offsetAt(wall, timeZone), timeZone));
  let best: number | null = null;
  for (const c of candidates) {
    if (wallMs(c, timeZone) >= wall && (best === null || c < best)) best = c;
  }
  return best ?? wall - offsetAt(wall, timeZone);
}

function localMidnight(year: number, month0: number, day: number, timeZone: string): number {
  return firstInstantAtOrAfter(Date.UTC(year, month0, day), timeZone);
}

/** Fixed-length windows aligned to the local offset in effect at `now` (handles +05:30 and friends). */
function alignedFixed(size: number, timeZone: string, now: number): WindowBounds {
  const off = offsetAt(now, timeZone);
  const start = Math.floor((now + off) / size) * size - off;
  return { start, end: start + size };
}

/**
 * The window instance containing `now` for a line, or null for windows with no calendar bounds
 * (`total`, and `session`, which is keyed by session id instead).
 */
export function windowBounds(window: WindowName, timeZone: string, now: number): WindowBounds | null {
  if (window === "total" || window === "session") return null;
  // Intl lookups are the slow part; consecutive calls mostly land in the same window.
  const key = `${window}|${timeZone}`;
  const hit = lastBounds.get(key);
  if (hit && hit.start <= now && now < hit.end) return { start: hit.start, end: hit.end };
  const b = computeBounds(window, timeZone, now);
  if (lastBounds.size >= ZONES_MAX * 4) lastBounds.clear();
  lastBounds.set(key, b);
  return { start: b.start, end: b.end };
}

/** Last window computed per (window, zone): four windows per zone name, emptied when full. */
const lastBounds = new Map<string, WindowBounds>();

function computeBounds(
  window: Exclude<WindowName, "total" | "session">,
  timeZone: string,
  now: number,
): WindowBounds {
  switch (window) {
    case "minute":
      return alignedFixed(MINUTE, timeZone, now);
    case "hour": {
      // By wall-clock hour, as days are: a zone that shifts by 30 minutes (Lord Howe) would otherwise
      // give overlapping windows around its transition.
      const w = wallAt(now, timeZone);
      const hour = Date.UTC(w.year, w.month - 1, w.day, w.hour);
      return {
        start: firstInstantAtOrAfter(hour, timeZone),
        end: firstInstantAtOrAfter(hour + HOUR, timeZone),
      };
    }
    case "day": {
      const w = wallAt(now, timeZone);
      return {
        start: localMidnight(w.year, w.month - 1, w.day, timeZone),
        end: localMidnight(w.year, w.month - 1, w.day + 1, timeZone),
      };
    }
    case "week": {
      const w = wallAt(now, timeZone);
      const sinceMonday = (new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay() + 6) % 7;
      const mondayDay = w.day - sinceMonday;
      return {
        start: localMidnight(w.year, w.month - 1, mondayDay, timeZone),
        end: localMidnight(w.year, w.month - 1, mondayDay + 7, timeZone),
      };
    }
    case "month": {
      const w = wallAt(now, timeZone);
      return {
        start: localMidnight(w.year, w.month - 1, 1, timeZone),
        end: localMidnight(w.year, w.month, 1, timeZone),
      };
    }
  }
}
