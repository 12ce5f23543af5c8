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
  ])("allows %s", (url) => {
    expect(checkOutboundUrl(url, false).ok).toBe(true);
  });

  it("lets a deployment that allows private upstreams use http and loopback", () => {
    expect(checkOutboundUrl("http://127.0.0.1:8788/mcp", true).ok).toBe(true);
    expect(checkOutboundUrl("file:///etc/passwd", true).ok).toBe(false);
  });
});
