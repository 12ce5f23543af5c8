// SSRF guard for operator-supplied URLs (upstreams, webhooks). Workers cannot resolve DNS before
// fetch, so this checks the URL itself: scheme, literal IPs in private/loopback/link-local ranges,
// and names that only resolve inside a network. Deployments can allow them for local dev and tests.
export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

const INTERNAL_SUFFIXES = [".localhost", ".local", ".internal", ".lan", ".home.arpa", ".intranet", ".corp"];

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
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (host === "localhost" || INTERNAL_SUFFIXES.some((s) => host.endsWith(s)) || !host.includes(".")) {
    if (!host.includes(":")) return { ok: false, reason: "the host is not a public name" };
  }
  if (isPrivateIPv4(host) || isPrivateIPv6(host)) {
    return { ok: false, reason: "the host is a private, loopback or link-local address" };
  }
  return { ok: true, url };
}

function isPrivateIPv4(host: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

function isPrivateIPv6(host: string): boolean {
  if (!host.includes(":")) return false;
  const h = host.toLowerCase();
  if (h === "::" || h === "::1") return true;
  if (h.startsWith("fc") || h.startsWith("fd") || h.startsWith("fe8") || h.startsWith("fe9")) return true;
  if (h.startsWith("fea") || h.startsWith("feb") || h.startsWith("ff")) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  if (mapped) return isPrivateIPv4(mapped[1]!);
  // The URL parser rewrites ::ffff:127.0.0.1 to ::ffff:7f00:1; NAT64 (64:ff9b::/96) embeds IPv4 too.
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(h);
  if (hex) {
    const hi = Number.parseInt(hex[1]!, 16);
    const lo = Number.parseInt(hex[2]!, 16);
    return isPrivateIPv4(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  // Other embedded-IPv4 forms (IPv4-compatible ::a.b.c.d, 6to4) are refused outright.
  return h.startsWith("::") || h.startsWith("2002:") || h.startsWith("64:ff9b:");
}
