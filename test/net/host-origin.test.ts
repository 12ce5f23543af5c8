import { describe, expect, it } from "vitest";
import { hostServed, normalizeHostname, originAllowed } from "../../src/net/host-origin";

describe("normalizeHostname", () => {
  it.each([
    ["GW.test", "gw.test"],
    ["gw.test.:443", "gw.test"],
    ["127.0.0.1:8787", "127.0.0.1"],
    ["[::1]:8787", "[::1]"],
  ])("%s -> %s", (raw, want) => {
    expect(normalizeHostname(raw)).toBe(want);
  });
});

describe("hostServed", () => {
  it("serves only configured hosts, plus loopback", () => {
    const hosts = ["tollgate.example.com"];
    expect(hostServed("tollgate.example.com", hosts)).toBe(true);
    expect(hostServed("TOLLGATE.example.com.", hosts)).toBe(true);
    expect(hostServed("127.0.0.1", hosts)).toBe(true);
    expect(hostServed("localhost", hosts)).toBe(true);
    expect(hostServed("evil.example.com", hosts)).toBe(false);
    expect(hostServed("tollgate.example.com.evil.example", hosts)).toBe(false);
  });

  it("serves any host when none is configured (ADR 0012)", () => {
    expect(hostServed("anything.example", [])).toBe(true);
  });
});

describe("originAllowed", () => {
  const hosts = ["tollgate.example.com"];
  it.each([
    ["https://tollgate.example.com", "tollgate.example.com", hosts, []],
    ["https://app.example", "tollgate.example.com", hosts, ["https://app.example"]],
    ["https://app.example:443", "tollgate.example.com", hosts, ["https://app.example"]],
    ["http://localhost:6274", "127.0.0.1", hosts, []],
    ["http://127.0.0.1:3000", "localhost", [], []],
  ] as const)("allows %s on %s", (origin, host, h, o) => {
    expect(originAllowed(origin, host, h, o)).toBe(true);
  });

  it.each([
    // DNS rebinding: the page's origin and the request's Host are the attacker's name.
    ["https://evil.example.com", "evil.example.com", hosts, []],
    ["https://evil.example.com", "evil.example.com", [], []],
    ["http://tollgate.example.com", "tollgate.example.com", hosts, []],
    ["https://tollgate.example.com:8443", "tollgate.example.com", hosts, []],
    ["http://app.example", "tollgate.example.com", hosts, ["https://app.example"]],
    ["http://localhost:6274", "tollgate.example.com", hosts, []],
    ["null", "tollgate.example.com", hosts, []],
    ["not an origin", "tollgate.example.com", hosts, []],
    ["file:///etc", "localhost", hosts, []],
  ] as const)("refuses %s on %s", (origin, host, h, o) => {
    expect(originAllowed(origin, host, h, o)).toBe(false);
  });
});
