// Resource URIs across upstreams, pure: a URI (or URI template) that an earlier upstream also lists
// is shown as `tollgate+<namespace>:<uri>` (a valid RFC 3986 scheme: namespaces are [a-z0-9-]), and
// one that already starts with `tollgate+` always is, so taking one such layer off is unambiguous.
// Templates (RFC 6570) are matched loosely, to find which upstream serves an expanded URI.

export const NAMESPACED_SCHEME = "tollgate+";
const NAMESPACED = /^tollgate\+([a-z0-9][a-z0-9-]{0,30}):([\s\S]+)$/;
const MAX_TEMPLATE_CHARS = 1024;
const MAX_EXPRESSIONS = 16;
const MAX_URI_CHARS = 2048;

export function namespacedUri(namespace: string, uri: string): string {
  return `${NAMESPACED_SCHEME}${namespace}:${uri}`;
}

/** Whether the URI of one upstream is shown namespaced: it collides with an earlier one, or looks like ours. */
export function needsNamespace(uri: string, listedEarlier: boolean): boolean {
  return listedEarlier || uri.startsWith(NAMESPACED_SCHEME);
}

export type UriRef =
  | { kind: "plain"; uri: string }
  | { kind: "namespaced"; namespace: string; uri: string }
  | { kind: "malformed" };

/** What a client's URI names: one of ours (`tollgate+<ns>:<uri>`) or a plain URI. */
export function readUri(uri: string): UriRef {
  if (!uri.startsWith(NAMESPACED_SCHEME)) return { kind: "plain", uri };
  const m = NAMESPACED.exec(uri);
  return m ? { kind: "namespaced", namespace: m[1]!, uri: m[2]! } : { kind: "malformed" };
}

const compiled = new Map<string, RegExp | null>();

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The regex of an RFC 6570 template (operators by what their expansion may contain); null if unusable. */
function templateRegex(template: string): RegExp | null {
  if (template.length > MAX_TEMPLATE_CHARS) return null;
  const parts = template.split(/(\{[^{}]*\})/);
  const expressions = parts.filter((p) => p.startsWith("{"));
  // Bounded backtracking: an agent's URI is matched against these, so few unbounded expressions.
  if (expressions.length > MAX_EXPRESSIONS) return null;
  if (expressions.filter((p) => p[1] === "+" || p[1] === "#").length > 2) return null;
  const body = parts
    .map((p) => {
      if (!p.startsWith("{")) return escapeRegex(p);
      const op = p[1] ?? "";
      if (op === "+" || op === "#") return "[\\s\\S]*";
      if (op === "/") return "(?:/[^/?#]*)*";
      if (op === "?" || op === "&") return "(?:[?&][^#]*)?";
      return "[^/?#&]*";
    })
    .join("");
  try {
    return new RegExp(`^${body}$`);
  } catch {
    return null;
  }
}

export function templateMatches(template: string, uri: string): boolean {
  if (uri.length > MAX_URI_CHARS) return false;
  let re = compiled.get(template);
  if (re === undefined) {
    if (compiled.size > 2_000) compiled.clear();
    re = templateRegex(template);
    compiled.set(template, re);
  }
  return re?.test(uri) === true;
}
