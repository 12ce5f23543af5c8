// Tool-name globs ("github__*", "search_?"): matching without RegExp, and the order that makes
// the most specific pattern apply first.

export function isGlob(pattern: string): boolean {
  return pattern !== "*" && (pattern.includes("*") || pattern.includes("?"));
}

/** Iterative wildcard match: "*" = any run of characters, "?" = exactly one. */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    const pc = pattern[p];
    if (pc === "?" || (pc !== undefined && pc !== "*" && pc === text[t])) {
      p++;
      t++;
    } else if (pc === "*") {
      star = p++;
      mark = t;
    } else if (star !== -1) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (pattern[p] === "*") p++;
  return p === pattern.length;
}

function literalPrefix(pattern: string): number {
  const i = pattern.search(/[*?]/);
  return i === -1 ? pattern.length : i;
}

/** Sort order for glob keys: longer literal prefix first, then more literal characters, then by text. */
export function compareGlobSpecificity(a: string, b: string): number {
  const byPrefix = literalPrefix(b) - literalPrefix(a);
  if (byPrefix !== 0) return byPrefix;
  const literals = (s: string) => s.replace(/[*?]/g, "").length;
  const byLiterals = literals(b) - literals(a);
  if (byLiterals !== 0) return byLiterals;
  return a < b ? -1 : a > b ? 1 : 0;
}
