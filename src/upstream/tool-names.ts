// Tool naming, pure: each upstream's stored prefix (null = names unchanged) makes the exposed name, and
// an exposed name resolves to exactly one upstream or to nothing (unknown or ambiguous), never a guess.

export type NamedUpstream = { id: string; namespace: string; toolPrefix: string | null };

/** Which upstream tool names each upstream lists; undefined: not known (yet). */
export type Listed = (upstreamId: string) => ReadonlySet<string> | undefined;

export type Resolution<U extends NamedUpstream> =
  | { ok: true; upstream: U; upstreamTool: string }
  | { ok: false; reason: "unknown" }
  | { ok: false; reason: "ambiguous"; upstreams: U[] };

export function prefixOf(u: NamedUpstream): string {
  return u.toolPrefix ?? "";
}

export function exposed(u: NamedUpstream, tool: string): string {
  return prefixOf(u) + tool;
}

/** The upstreams whose prefix could have made `name`, longest prefix first. */
function candidates<U extends NamedUpstream>(upstreams: readonly U[], name: string): U[] {
  return upstreams
    .filter((u) => name.length > prefixOf(u).length && name.startsWith(prefixOf(u)))
    .sort((a, b) => prefixOf(b).length - prefixOf(a).length);
}

/**
 * The longest matching prefix claims the name. It is ambiguous when two upstreams share that prefix
 * (only data written around the admin API), or when another candidate lists the rest of the name as
 * its own tool (an unprefixed upstream with a tool literally named "paid__x" next to prefix "paid__").
 */
export function resolveName<U extends NamedUpstream>(
  upstreams: readonly U[],
  name: string,
  listed: Listed,
): Resolution<U> {
  const found = candidates(upstreams, name);
  const [top, next] = found;
  if (!top) return { ok: false, reason: "unknown" };
  if (next && prefixOf(next) === prefixOf(top)) {
    return { ok: false, reason: "ambiguous", upstreams: found.filter((u) => prefixOf(u) === prefixOf(top)) };
  }
  const rivals = found.slice(1).filter((u) => listed(u.id)?.has(name.slice(prefixOf(u).length)));
  if (rivals.length > 0) return { ok: false, reason: "ambiguous", upstreams: [top, ...rivals] };
  return { ok: true, upstream: top, upstreamTool: name.slice(prefixOf(top).length) };
}

/** Upstreams that `resolveName` has to know the lists of before it can answer for `name`. */
export function rivalsToCheck<U extends NamedUpstream>(upstreams: readonly U[], name: string): U[] {
  return candidates(upstreams, name).slice(1);
}

export function ambiguityMessage(name: string, upstreams: readonly NamedUpstream[]): string {
  const who = upstreams
    .map((u) => `"${u.namespace}" (${u.toolPrefix === null ? "no prefix" : `prefix "${u.toolPrefix}"`})`)
    .join(" and ");
  return `Tool name "${name}" is ambiguous: upstreams ${who} could both serve it, so Tollgate refuses it. The operator must give these upstreams distinct tool prefixes.`;
}
