import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("the worker boots", () => {
  it("answers health checks and unknown routes with the JSON error shape", async () => {
    const ok = await exports.default.fetch("https://gw.test/healthz");
    expect(await ok.json()).toEqual({ ok: true });
    const missing = await exports.default.fetch("https://gw.test/nope");
    expect(missing.status).toBe(404);
    const body = (await missing.json()) as { error: { code: string } };
    expect(body.error.code).toBe("NOT_FOUND");
  });

  it("has the D1 schema applied", async () => {
    const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type='table'").all<{
      name: string;
    }>();
    const names = tables.results.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(["orgs", "api_keys", "transactions", "approvals"]));
  });
});
