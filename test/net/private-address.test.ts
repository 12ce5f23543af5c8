import { describe, expect, it } from "vitest";
import { checkOutboundUrl } from "../../src/net/private-address";

describe("checkOutboundUrl", () => {
  it.each([
    "https://127.0.0.1/mcp",
    "https://10.1.2.3/",
    "https://172.20.0.1/",
    "https://192.168.1.1/",
    "https://169.254.169.254/latest/meta-data",
    "https://100.64.0.1/",
    "https://0.0.0.0/",
    "https://[::1]/",
    "https://[fd00::1]/",
    "https://[fe80::1]/",
    "https://[::ffff:127.0.0.1]/",
    "https://[::ffff:10.0.0.1]/",
    "https://[::ffff:169.254.169.254]/",
    "https://[64:ff9b::a00:1]/",
    // IPv4 spellings WHATWG URL normalises to dotted quads (decimal, hex, octal, short forms).
    "https://2130706433/",
    "https://0x7f.1/",
    "https://127.1/",
    "https://0177.0.0.1/",
    "https://0x7f000001/",
    "https://127.0.0.1./",
    "https://0/",
    // Other special IPv4 ranges: broadcast, multicast, reserved, documentation, benchmarking, 192.0.0/24.
    "https://255.255.255.255/",
    "https://239.1.1.1/",
    "https://240.0.0.1/",
    "https://192.0.2.1/",
    "https://198.18.0.1/",
    "https://192.0.0.170/",
    // IPv6 with IPv4 inside (mapped, compatible, NAT64 both prefixes, 6to4, Teredo) and other specials.
    "https://[::ffff:8.8.8.8]/",
    "https://[0:0:0:0:0:ffff:7f00:1]/",
    "https://[::127.0.0.1]/",
    "https://[64:ff9b:1::a00:1]/",
    "https://[2002:7f00:1::]/",
    "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
    "https://[2001:db8::1]/",
    "https://[fec0::1]/",
    "https://[ff02::1]/",
    "https://[::]/",
    "https://[100::1]/",
    // Trailing dots name the same DNS host.
    "https://localhost./",
    "https://localhost../",
    "https://metadata.google.internal./",
    "https://foo.internal./",
    "https://printer.local./",
    "https://intranet./",
    // Percent-encoded and full-width names are decoded by the URL parser first.
    "https://%6c%6fcalhost/",
    "https://ｌｏｃａｌｈｏｓｔ/",
    "https://ipv4only.arpa/",
    "https://nas.localdomain/",
    "https://localhost/",
    "https://printer.local/",
    "https://db.internal/",
    "https://intranet/",
    "http://example.com/",
    "ftp://example.com/",
    "https://user:pw@example.com/",
    "not a url",
  ])("refuses %s", (url) => {
    expect(checkOutboundUrl(url, false).ok).toBe(false);
  });

  it.each([
    "https://paid.example/mcp",
    "https://8.8.8.8/",
    "https://[2606:4700::1111]/",
    "https://api.example.com:8443/x",
    "https://paid.example./mcp",
    "https://1.1.1.1/",
    "https://[2a00:1450:4001::200e]/",
  ])("allows %s", (url) => {
    expect(checkOutboundUrl(url, false).ok).toBe(true);
  });

  it("lets a deployment that allows private upstreams use http and loopback", () => {
    expect(checkOutboundUrl("http://127.0.0.1:8788/mcp", true).ok).toBe(true);
    expect(checkOutboundUrl("file:///etc/passwd", true).ok).toBe(false);
  });
});
