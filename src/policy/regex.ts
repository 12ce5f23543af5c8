// Regex conditions with Intercept's meaning: RE2 syntax and semantics (Go's regexp, via re2js), so
// `\z`, `\A`, `\pL`, `[[:digit:]]` and inline flags mean what the policy author wrote, and matching is
// linear in the input (no catastrophic backtracking to guard against). Compiled patterns live in a
// bounded module-level cache; the input a pattern is matched against is capped, and the caller fails closed.
import { RE2JS } from "re2js";

export const MAX_REGEX_LENGTH = 256;
/**
 * Longest string (UTF-16 code units) a regex is matched against. Matching is linear, but an agent
 * controls the argument; past this the condition is undecided and the rule refuses the call.
 */
export const MAX_REGEX_INPUT_CHARS = 16 * 1024;
const CACHE_LIMIT = 1000;
const cache = new Map<string, RE2JS>();
/**
 * Match results for short values, per compiled pattern then per value (two maps, so no separator can
 * make two pairs collide): a match is a pure function of both, and the values policies test most
 * (tool, vendor, upstream, short arguments) recur across calls and rules. Bounded like the cache.
 */
const MEMO_INPUT_CHARS = 256;
const MEMO_PATTERNS = 100;
const MEMO_PER_PATTERN = 50;
const memo = new Map<string, Map<string, boolean>>();

function memoFor(pattern: string): Map<string, boolean> {
  let results = memo.get(pattern);
  if (results === undefined) {
    if (memo.size >= MEMO_PATTERNS) memo.clear();
    results = new Map();
    memo.set(pattern, results);
  }
  return results;
}

export type PreparedRegex = { ok: true; source: string } | { ok: false; error: string };
export type RegexMatch = { ok: true; matched: boolean } | { ok: false; error: string };

/** The engine's message plus a hint for the Perl features RE2 leaves out on purpose. */
function syntaxMessage(pattern: string, e: unknown): string {
  const raw = e instanceof Error ? e.message : String(e);
  const message = raw.replace(/^error parsing regexp: /, "");
  let hint = "";
  if (/\\[1-9]|\\k</.test(pattern)) hint = " (RE2 has no backreferences)";
  else if (/\(\?<?[=!]/.test(pattern)) hint = " (RE2 has no lookahead or lookbehind)";
  return `invalid regex: ${message}${hint}`;
}

/** Checks a pattern at policy compile time; the compiled policy keeps the pattern text as written. */
export function prepareRegex(pattern: string): PreparedRegex {
  if (pattern.length > MAX_REGEX_LENGTH) {
    return { ok: false, error: `regex is longer than ${MAX_REGEX_LENGTH} characters` };
  }
  try {
    remember(pattern, RE2JS.compile(pattern)); // the same isolate often evaluates what it just compiled
  } catch (e) {
    return { ok: false, error: syntaxMessage(pattern, e) };
  }
  return { ok: true, source: pattern };
}

function remember(pattern: string, re: RE2JS): void {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(pattern, re);
}

/**
 * The cached engine for a pattern, or null if it does not compile. `legacyFlags` are the JS flags older
 * compiles lifted out of a leading `(?i)` group; they go back in as RE2's own inline flags.
 */
function cachedRegex(source: string, legacyFlags: string): RE2JS | null {
  const pattern = legacyFlags ? `(?${legacyFlags})${source}` : source;
  let re = cache.get(pattern);
  if (re === undefined) {
    try {
      re = RE2JS.compile(pattern);
    } catch {
      return null;
    }
    remember(pattern, re);
  }
  return re;
}

/** Unanchored search, as Go's regexp.MatchString. Not ok = the condition cannot be judged. */
export function matchRegex(source: string, legacyFlags: string, input: string): RegexMatch {
  if (input.length > MAX_REGEX_INPUT_CHARS) {
    return {
      ok: false,
      error: `the value is ${input.length} characters, over the ${MAX_REGEX_INPUT_CHARS} a regex is matched against`,
    };
  }
  const pattern = legacyFlags ? `(?${legacyFlags})${source}` : source;
  const results = input.length <= MEMO_INPUT_CHARS ? memoFor(pattern) : null;
  const known = results?.get(input);
  if (known !== undefined) return { ok: true, matched: known };
  const re = cachedRegex(source, legacyFlags);
  if (re === null) return { ok: false, error: "its regex no longer compiles" };
  const matched = re.test(input);
  if (results) {
    if (results.size >= MEMO_PER_PATTERN) results.clear();
    results.set(input, matched);
  }
  return { ok: true, matched };
}
