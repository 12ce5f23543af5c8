// Host and Origin checks for the MCP endpoint (DNS rebinding, cross-site browser calls). Pure: the
// deployment's hostnames and extra origins come from config. Decision: docs/decisions/0012.

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** Lowercased hostname without port or trailing dots ("GW.test.:443" -> "gw.test"). */
export function normalizeHostname(host: string): string {
  const h = host.trim().toLowerCase();
  const bare = h.startsWith("[") ? h.slice(0, h.indexOf("]") + 1) : h.replace(/:\d*$/, "");
  return bare.replace(/\.+$/, "");
}

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * Whether this deployment serves `hostname`. Loopback always (local dev, wrangler dev); otherwise it
 * must be listed. An empty list serves any host: on Cloudflare only routes bound to the Worker reach it.
 */
export function hostServed(hostname: string, allowedHosts: readonly string[]): boolean {
  const h = normalizeHostname(hostname);
  if (allowedHosts.length === 0 || isLoopbackHost(h)) return true;
  return allowedHosts.some((a) => normalizeHostname(a) === h);
}

/**
 * Whether a browser page at `origin` may call the endpoint. Compared as full origins (scheme, host,
 * port), never derived from the request's own Host: under DNS rebinding Host and Origin agree.
 * Allowed: `https://<host>` of each configured hostname, each ALLOWED_ORIGINS entry, and a loopback
 * page calling a loopback gateway (a rebinding page's Host is its own name, never loopback).
 */
export function originAllowed(
  origin: string,
  requestHostname: string,
  allowedHosts: readonly string[],
  allowedOrigins: readonly string[],
): boolean {
  const o = parseOrigin(origin);
  if (!o) return false;
  if (allowedOrigins.some((a) => parseOrigin(a)?.origin === o.origin)) return true;
  if (o.protocol === "https:" && o.port === "" && allowedHosts.some((h) => normalizeHostname(h) === o.host)) {
    return true;
  }
  return isLoopbackHost(o.host) && isLoopbackHost(normalizeHostname(requestHostname));
}

function parseOrigin(raw: string): { origin: string; protocol: string; host: string; port: string } | null {
  if (raw === "null") return null;
  try {
    const u = new URL(raw);
    if (u.protocol !== "https:" && u.protocol !== "http:") return null;
    return { origin: u.origin, protocol: u.protocol, host: normalizeHostname(u.hostname), port: u.port };
  } catch {
    return null;
  }
}
