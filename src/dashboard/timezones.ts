// The time zones offered in the picker: the runtime's IANA list when it has one, else a short list.
const FALLBACK = [
  "UTC",
  "Europe/London",
  "Europe/Paris",
  "Europe/Berlin",
  "America/New_York",
  "America/Chicago",
  "America/Denver",
  "America/Los_Angeles",
  "America/Sao_Paulo",
  "Asia/Kolkata",
  "Asia/Singapore",
  "Asia/Tokyo",
  "Australia/Sydney",
];

let all: string[] | null = null;

export function timeZones(current: string): string[] {
  if (!all) {
    try {
      const list = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.("timeZone");
      all = list && list.length > 0 ? ["UTC", ...list.filter((z) => z !== "UTC")] : FALLBACK;
    } catch {
      all = FALLBACK;
    }
  }
  return all.includes(current) ? all : [current, ...all];
}
