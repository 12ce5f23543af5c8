// What the admin API does before and after a handler: body cap, media type, security headers, the
// shorthand kept out of the document, and an answer off its documented schema never sent.
import { exports } from "cloudflare:workers";
import { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { adminApp, adminRoute, ok } from "../../src/admin/define";
import { ADMIN_TOKEN, api, BASE, expectError } from "./helpers";

function post(path: string, body: string, contentType?: string) {
  const headers: Record<string, string> = { authorization: `Bearer ${ADMIN_TOKEN}` };
  if (contentType) headers["content-type"] = contentType;
  return exports.default.fetch(new Request(`${BASE}${path}`, { method: "POST", headers, body }));
}

describe("admin API hardening", () => {
  it("answers 413 PAYLOAD_TOO_LARGE in the error shape for a body over MAX_BODY_BYTES", async () => {
    const res = await post("/orgs", JSON.stringify({ name: "x".repeat(1_048_576) }), "application/json");
    expectError({ status: res.status, body: await res.json() }, 413, "PAYLOAD_TOO_LARGE");
  });

  it("answers 415 UNSUPPORTED_MEDIA_TYPE for a body that is not declared as JSON", async () => {
    const res = await post("/orgs", JSON.stringify({ name: "Plain" }), "text/plain");
    expectError({ status: res.status, body: await res.json() }, 415, "UNSUPPORTED_MEDIA_TYPE");
  });

  it("adds security headers to admin answers, errors included", async () => {
    const res = await exports.default.fetch(`${BASE}/orgs`);
    expect(res.status).toBe(401);
    expect(res.headers.get("strict-transport-security")).toContain("max-age=");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
  });

  it("keeps the dashboard's own CSP and referrer policy under the added headers", async () => {
    const res = await exports.default.fetch("https://gw.test/dashboard/signin");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  });

  it("documents /orgs/{orgId}/… only, though /org/… serves the same routes", async () => {
    const doc = (await api("GET", "/openapi.json", { token: null })).body;
    expect(Object.keys(doc.paths).filter((p) => p === "/org" || p.startsWith("/org/"))).toEqual([]);
  });
});

describe("an answer off its documented schema", () => {
  it("is thrown as a fault (a logged 500), never sent", async () => {
    const app = adminApp();
    const route = adminRoute({
      method: "get",
      path: "/drift",
      tag: "test",
      access: "public",
      summary: "answers a number where the schema says string",
      responses: ok(z.object({ id: z.string() })),
    });
    app.openapi(route, (c) => c.json(JSON.parse('{"id":5}'), 200));
    let fault = "";
    app.onError((err, c) => {
      fault = err.message;
      return c.json({ error: "internal" }, 500);
    });
    const res = await app.request("/drift");
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: "internal" });
    expect(fault).toContain("GET /drift answered 200 off its schema: id:");
  });
});
