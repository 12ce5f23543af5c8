// Condition operators. Numbers compare as exact decimals (never floats); a missing value fails every
// operator except `exists: false`, as in Intercept. A regex over an over-long value is undecided.
import { compareDecimal, type Decimal, parseExactDecimal } from "../money/decimal";
import type { CompiledCondition } from "./compiled";
import { matchRegex } from "./regex";

/** A condition that cannot be judged (e.g. a regex over a value past the input cap): callers refuse. */
export type Undecided = { undecided: string };
export const isUndecided = (r: unknown): r is Undecided =>
  typeof r === "object" && r !== null && "undecided" in r;

const MAX_EQUAL_DEPTH = 32;
const numCache = new Map<string | number, Decimal | null>();

function cachedParse(x: string | number): Decimal | null {
  let cached = numCache.get(x);
  if (cached === undefined) {
    const d = parseExactDecimal(x);
    cached = d.ok ? d.value : null;
    if (numCache.size >= 5000) numCache.clear();
    numCache.set(x, cached);
  }
  return cached;
}

/** Exact numeric view of a value: numbers, bigints and numeric strings; anything else is not a number. */
export function numericValue(x: unknown): Decimal | null {
  if (typeof x === "bigint") return { coef: x, scale: 0 };
  if (typeof x === "number") return cachedParse(x);
  if (typeof x === "string") {
    if (x.length > 64) {
      const d = parseExactDecimal(x);
      return d.ok ? d.value : null;
    }
    return cachedParse(x);
  }
  return null;
}

function isNumberLike(x: unknown): boolean {
  return typeof x === "number" || typeof x === "bigint";
}

/** Equality as Intercept means it (numbers by value, scalars by text), but exact for numbers. */
export function looseEqual(a: unknown, b: unknown, depth = 0): boolean {
  if (depth > MAX_EQUAL_DEPTH) return false;
  if (isNumberLike(a) || isNumberLike(b)) {
    const na = numericValue(a);
    const nb = numericValue(b);
    if (na && nb) return compareDecimal(na, nb) === 0;
    return false;
  }
  if (typeof a === "string" || typeof b === "string") {
    const scalar = (x: unknown) => typeof x === "string" || typeof x === "boolean";
    return scalar(a) && scalar(b) && String(a) === String(b);
  }
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => looseEqual(item, b[i], depth + 1));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const rb = b as Record<string, unknown>;
  const ra = a as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && looseEqual(ra[k], rb[k], depth + 1));
}

function compareNumeric(actual: unknown, expected: string | null): -1 | 0 | 1 | null {
  if (expected === null) return null;
  const a = numericValue(actual);
  const e = numericValue(expected);
  return a && e ? compareDecimal(a, e) : null;
}

/** Does `actual` (undefined = path not present) satisfy the condition? */
export function testCondition(cond: CompiledCondition, actual: unknown): boolean | Undecided {
  if (cond.op === "exists") return (actual !== undefined && actual !== null) === cond.value;
  if (actual === undefined) return false;
  switch (cond.op) {
    case "eq":
      return looseEqual(actual, cond.value);
    case "neq":
      return !looseEqual(actual, cond.value);
    case "in":
      return Array.isArray(cond.value) && cond.value.some((v) => looseEqual(actual, v));
    case "not_in":
      return Array.isArray(cond.value) && !cond.value.some((v) => looseEqual(actual, v));
    case "lt":
      return compareNumeric(actual, cond.num) === -1;
    case "lte": {
      const c = compareNumeric(actual, cond.num);
      return c === -1 || c === 0;
    }
    case "gt":
      return compareNumeric(actual, cond.num) === 1;
    case "gte": {
      const c = compareNumeric(actual, cond.num);
      return c === 1 || c === 0;
    }
    case "regex": {
      if (typeof actual !== "string" || typeof cond.value !== "string") return false;
      const m = matchRegex(cond.value, cond.flags ?? "", actual);
      return m.ok ? m.matched : { undecided: m.error };
    }
    case "contains":
      if (typeof actual === "string") return typeof cond.value === "string" && actual.includes(cond.value);
      return Array.isArray(actual) && actual.some((item) => looseEqual(item, cond.value));
    case "starts_with":
      return typeof actual === "string" && typeof cond.value === "string" && actual.startsWith(cond.value);
  }
}

/** Short printable form of a value for plain-language reasons. */
export function show(value: unknown): string {
  if (value === undefined) return "missing";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string")
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  try {
    const s = JSON.stringify(value) ?? String(value);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(value);
  }
}
