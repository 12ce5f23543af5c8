// Exact decimal arithmetic for money: parsing major-unit decimals into integer base units and back.
// No floats anywhere: JS numbers are read through their shortest round-trip string (String(n)).

/** An exact decimal: value = coef / 10^scale, scale >= 0. */
export type Decimal = { coef: bigint; scale: number };

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

const DECIMAL_RE = /^(-)?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
// Bounds keep a hostile input ("1e999999999") from allocating a gigantic bigint.
const MAX_INPUT_CHARS = 400;
const MAX_EXPONENT = 400;

const POW10: bigint[] = [];
export function pow10(n: number): bigint {
  if (n < 64) {
    let cached = POW10[n];
    if (cached === undefined) {
      cached = 10n ** BigInt(n);
      POW10[n] = cached;
    }
    return cached;
  }
  return 10n ** BigInt(n);
}

function toText(input: unknown): ParseResult<string> {
  if (typeof input === "string") return { ok: true, value: input };
  if (typeof input === "bigint") return { ok: true, value: input.toString() };
  if (typeof input === "number") {
    if (!Number.isFinite(input)) return { ok: false, error: `${String(input)} is not a finite number` };
    return { ok: true, value: String(input) };
  }
  return { ok: false, error: `expected a decimal number, got ${input === null ? "null" : typeof input}` };
}

/**
 * Parses any decimal literal exactly: "5.00", "-0.1", "1e-2", 50, 0.1, 10n.
 * Exponent notation is accepted and handled exactly (String(1e21) is "1e+21").
 * Rejected: empty, whitespace, leading "+", ".5", "5.", hex, NaN, Infinity.
 */
export function parseExactDecimal(input: unknown): ParseResult<Decimal> {
  const text = toText(input);
  if (!text.ok) return text;
  const s = text.value;
  if (s.length === 0 || s.length > MAX_INPUT_CHARS) {
    return { ok: false, error: s.length === 0 ? "empty number" : "number is too long" };
  }
  const m = DECIMAL_RE.exec(s);
  if (!m) return { ok: false, error: `"${s}" is not a decimal number` };
  const [, sign, int = "0", frac = "", expText] = m;
  const exp = expText === undefined ? 0 : Number(expText);
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > MAX_EXPONENT) {
    return { ok: false, error: `exponent of "${s}" is out of range` };
  }
  let coef = BigInt(int + frac);
  let scale = frac.length - exp;
  if (scale < 0) {
    coef *= pow10(-scale);
    scale = 0;
  }
  if (sign === "-") coef = -coef;
  return { ok: true, value: normalize({ coef, scale }) };
}

/** Drops trailing fractional zeros so equal values have one representation. */
export function normalize(d: Decimal): Decimal {
  let { coef, scale } = d;
  while (scale > 0 && coef % 10n === 0n) {
    coef /= 10n;
    scale -= 1;
  }
  return { coef, scale };
}

export function compareDecimal(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const scale = Math.max(a.scale, b.scale);
  const x = a.coef * pow10(scale - a.scale);
  const y = b.coef * pow10(scale - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

export type Rounding = "exact" | "up" | "down";

/**
 * Expresses a decimal in base units with `decimals` fractional digits.
 * "exact" fails when digits would be lost; "up"/"down" round toward +/- infinity.
 */
export function toBaseUnits(d: Decimal, decimals: number, rounding: Rounding): ParseResult<bigint> {
  if (d.scale <= decimals) return { ok: true, value: d.coef * pow10(decimals - d.scale) };
  const div = pow10(d.scale - decimals);
  const q = d.coef / div;
  const r = d.coef % div;
  if (r === 0n) return { ok: true, value: q };
  if (rounding === "exact") {
    return { ok: false, error: `has more than ${decimals} decimal place${decimals === 1 ? "" : "s"}` };
  }
  // bigint division truncates toward zero; adjust for the requested direction.
  if (rounding === "up") return { ok: true, value: r > 0n ? q + 1n : q };
  return { ok: true, value: r < 0n ? q - 1n : q };
}

/** Moves an integer amount between decimal scales; `rounding` applies only when digits are lost. */
export function rescale(value: bigint, from: number, to: number, rounding: Rounding): ParseResult<bigint> {
  return toBaseUnits({ coef: value, scale: from }, to, rounding);
}

export type ParseDecimalOptions = { allowNegative?: boolean };

/**
 * Parses a major-unit decimal ("5.00", 50, "1e-2") into integer base units of `decimals` places.
 * Extra fractional digits are accepted only when they are zeros ("5.000" at 2 decimals).
 * Negatives are rejected unless `allowNegative` is set: money limits and prices are never negative.
 */
export function parseDecimal(
  input: string | number,
  decimals: number,
  opts: ParseDecimalOptions = {},
): ParseResult<bigint> {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 77) {
    return { ok: false, error: `invalid decimals ${String(decimals)}` };
  }
  const parsed = parseExactDecimal(input);
  if (!parsed.ok) return parsed;
  if (parsed.value.coef < 0n && !opts.allowNegative) {
    return { ok: false, error: `${String(input)} is negative` };
  }
  const base = toBaseUnits(parsed.value, decimals, "exact");
  if (!base.ok) return { ok: false, error: `${String(input)} ${base.error}` };
  return base;
}

/** Same as parseDecimal with negatives refused; named for call sites where that matters. */
export function parseNonNegativeDecimal(input: string | number, decimals: number): ParseResult<bigint> {
  return parseDecimal(input, decimals, { allowNegative: false });
}

/** Formats base units as a fixed-point major-unit string: (500n, 2) -> "5.00". */
export function formatAmount(value: bigint, decimals: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString();
  if (decimals <= 0) return (negative ? "-" : "") + digits;
  const padded = digits.padStart(decimals + 1, "0");
  const cut = padded.length - decimals;
  return `${negative ? "-" : ""}${padded.slice(0, cut)}.${padded.slice(cut)}`;
}

/** Shortest exact string of a decimal ("5", "0.1", "-12.25"). */
export function formatDecimal(d: Decimal): string {
  const n = normalize(d);
  return formatAmount(n.coef, n.scale);
}

export function multiplyDecimal(a: Decimal, b: Decimal): Decimal {
  return { coef: a.coef * b.coef, scale: a.scale + b.scale };
}

export function fractionDigits(d: Decimal): number {
  return normalize(d).scale;
}
