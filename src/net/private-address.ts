// SSRF guard for operator-supplied URLs (upstreams, webhooks). Workers cannot resolve DNS before
// fetch, so this checks the URL itself: scheme, literal IPs outside public unicast (ipaddr.js keeps the
// special-range tables), and names that only resolve inside a network. Deployments can allow them for
// local dev and tests (ALLOW_PRIVATE_UPSTREAMS). Decision: docs/decisions/0007-ssrf-guard-without-dns.md.
import ipaddr from "ipaddr.js";

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

const INTERNAL_NAMES = new Set(["localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"]);
const INTERNAL_SUFFIXES = [
  ".localhost",
  ".local",
  ".localdomain",
  ".internal",
  ".lan",
  ".home",
  ".arpa", // home.arpa, in-addr.arpa, ipv4only.arpa (resolves to 192.0.0.170)
  ".intranet",
  ".corp",
];

// IANA allocates global unicast only from 2000::/3; ipaddr.js calls e.g. IPv4-compatible ::7f00:1 unicast.
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3");

export function checkOutboundUrl(raw: string, allowPrivate: boolean): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "not a valid URL" };
  }
  if (url.username || url.password) return { ok: false, reason: "credentials in the URL are not allowed" };
  if (allowPrivate) {
    return url.protocol === "https:" || url.protocol === "http:"
      ? { ok: true, url }
      : { ok: false, reason: "only http(s) URLs are allowed" };
  }
  if (url.protocol !== "https:") return { ok: false, reason: "only https URLs are allowed" };
  const reason = hostRefusal(url.hostname);
  return reason ? { ok: false, reason } : { ok: true, url };
}

/** Why `hostname` (as `URL.hostname` gives it) must not be fetched, or null when it may be. */
export function hostRefusal(hostname: string): string | null {
  const bare = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (ipaddr.isValid(bare)) {
    return isPublicUnicast(ipaddr.parse(bare))
      ? null
      : "the host is a private, loopback, link-local or otherwise special address";
  }
  // WHATWG URL keeps trailing dots on names ("localhost." is the same DNS name as "localhost").
  const name = bare.replace(/\.+$/, "");
  if (INTERNAL_NAMES.has(name) || INTERNAL_SUFFIXES.some((s) => name.endsWith(s)) || !name.includes(".")) {
    return "the host is not a public name";
  }
  return null;
}

function isPublicUnicast(addr: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  // Mapped, NAT64, 6to4 and Teredo embed IPv4 and have their own ranges: they are refused outright.
  if (addr.range() !== "unicast") return false;
  return addr.kind() === "ipv4" || addr.match(GLOBAL_UNICAST_V6);
}
