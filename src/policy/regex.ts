// Regex conditions: a guard against catastrophic patterns at compile time, and a module-level
// cache so evaluate() compiles each pattern once per isolate.

export const MAX_REGEX_LENGTH = 256;
const CACHE_LIMIT = 1000;
const cache = new Map<string, Map<string, RegExp>>(); // flags -> source -> RegExp
let cached = 0;

export type PreparedRegex = { ok: true; source: string; flags: string } | { ok: false; error: string };

/** Lifts a leading RE2/PCRE flag group such as (?i) into JS flags, since JS has no inline flags. */
function liftFlags(pattern: string): { source: string; flags: string } {
  const m = /^\(\?([ims]+)\)/.exec(pattern);
  if (!m) return { source: pattern, flags: "" };
  const flags = [...new Set(m[1])].sort().join("");
  return { source: pattern.slice(m[0].length), flags };
}

/** Finds a quantified group whose body is itself quantified, e.g. (a+)+ or ((\w*)x){2,}. */
function hasNestedQuantifier(source: string): boolean {
  const groups: boolean[] = []; // per open group: does its body contain a quantifier?
  let afterQuantifiedGroup = false;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") {
      i++;
      afterQuantifiedGroup = false;
    } else if (inClass) {
      if (c === "]") inClass = false;
    } else if (c === "[") {
      inClass = true;
      afterQuantifiedGroup = false;
    } else if (c === "(") {
      groups.push(false);
      afterQuantifiedGroup = false;
    } else if (c === ")") {
      const had = groups.pop() ?? false;
      if (had && groups.length > 0) groups[groups.length - 1] = true;
      afterQuantifiedGroup = had;
    } else if (c === "+" || c === "*" || c === "{") {
      if (afterQuantifiedGroup) return true;
      if (groups.length > 0) groups[groups.length - 1] = true;
    } else {
      afterQuantifiedGroup = false;
    }
  }
  return false;
}

export function prepareRegex(pattern: string): PreparedRegex {
  if (pattern.length > MAX_REGEX_LENGTH) {
    return { ok: false, error: `regex is longer than ${MAX_REGEX_LENGTH} characters` };
  }
  const { source, flags } = liftFlags(pattern);
  if (/\\[1-9]|\\k</.test(source)) return { ok: false, error: "regex backreferences are not allowed" };
  if (hasNestedQuantifier(source)) {
    return {
      ok: false,
      error: "regex has a nested quantifier such as (a+)+, which can take exponential time",
    };
  }
  try {
    new RegExp(source, flags);
  } catch (e) {
    return { ok: false, error: `invalid regex: ${e instanceof Error ? e.message : String(e)}` };
  }
  return { ok: true, source, flags };
}

/** Returns the cached RegExp (compile-time-validated source), or null if it no longer compiles. */
export function cachedRegex(source: string, flags: string): RegExp | null {
  let bySource = cache.get(flags);
  let re = bySource?.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source, flags);
    } catch {
      return null;
    }
    if (cached >= CACHE_LIMIT) {
      cache.clear();
      cached = 0;
      bySource = undefined;
    }
    if (!bySource) {
      bySource = new Map();
      cache.set(flags, bySource);
    }
    bySource.set(source, re);
    cached++;
  }
  return re;
}
