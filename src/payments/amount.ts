// Strict parsing of wire amounts (integer base units as decimal strings) and of small wire scalars.

const BASE_UNITS = /^(0|[1-9][0-9]*)$/;

/** Base units from a wire amount: digits only, no sign, point, exponent, whitespace or leading zero. */
export function parseBaseUnits(value: unknown): bigint | null {
  if (typeof value !== "string" || value.length > 78 || !BASE_UNITS.test(value)) return null;
  return BigInt(value);
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Epoch ms of an RFC 3339 date-time with an explicit offset; null for anything else. */
export function parseRfc3339(value: unknown): number | null {
  if (typeof value !== "string" || !RFC3339.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}
