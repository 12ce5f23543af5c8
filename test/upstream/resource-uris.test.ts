// Namespaced resource URIs and template matching, pure.
import { describe, expect, it } from "vitest";
import { namespacedUri, needsNamespace, readUri, templateMatches } from "../../src/upstream/resource-uris";

describe("namespaced URIs", () => {
  it("round-trip, one layer at a time", () => {
    const once = namespacedUri("beta", "shared://doc");
    expect(once).toBe("tollgate+beta:shared://doc");
    expect(readUri(once)).toEqual({ kind: "namespaced", namespace: "beta", uri: "shared://doc" });
    const twice = namespacedUri("alpha", "tollgate+other:x");
    expect(readUri(twice)).toEqual({ kind: "namespaced", namespace: "alpha", uri: "tollgate+other:x" });
    expect(readUri("file:///etc/hosts")).toEqual({ kind: "plain", uri: "file:///etc/hosts" });
  });

  it("a tollgate+ URI that names no valid namespace is malformed, not plain", () => {
    for (const uri of [
      "tollgate+:x",
      "tollgate+Beta:x",
      "tollgate+beta",
      "tollgate+be_ta:x",
      "tollgate+beta:",
    ])
      expect(readUri(uri)).toEqual({ kind: "malformed" });
  });

  it("namespaces a collision, and anything shaped like ours", () => {
    expect(needsNamespace("shared://doc", false)).toBe(false);
    expect(needsNamespace("shared://doc", true)).toBe(true);
    expect(needsNamespace("tollgate+x:y", false)).toBe(true);
  });
});

describe("template matching", () => {
  it("matches by operator", () => {
    expect(templateMatches("shared://items/{id}", "shared://items/7")).toBe(true);
    expect(templateMatches("shared://items/{id}", "shared://items/7/8")).toBe(false);
    expect(templateMatches("file:///{+path}", "file:///a/b/c.txt")).toBe(true);
    expect(templateMatches("api://x{?q,page}", "api://x?q=1&page=2")).toBe(true);
    expect(templateMatches("api://x{/seg*}", "api://x/a/b")).toBe(true);
    expect(templateMatches("a.b://{id}", "aXb://1")).toBe(false);
  });

  it("refuses templates that would backtrack without bound, and very long URIs", () => {
    const bomb = "x://{+a}b{+c}b{+d}b";
    expect(templateMatches(bomb, `x://${"b".repeat(5000)}`)).toBe(false);
    expect(templateMatches("x://{+a}", `x://${"a".repeat(3000)}`)).toBe(false);
  });
});
