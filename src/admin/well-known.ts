// Public receipt verification keys: every org's at /.well-known/jwks.json, one org's at
// /.well-known/jwks/<orgId>.json. Public halves only; retired keys stay so old receipts verify.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { jwks } from "../services/receipts";

const CACHE = "public, max-age=300";

export function wellKnownRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/jwks.json", async (c) => c.json(await jwks(c.env, null), 200, { "cache-control": CACHE }));
  app.get("/jwks/:file{[A-Za-z0-9_-]{1,100}\\.json}", async (c) => {
    const orgId = c.req.param("file").replace(/\.json$/, "");
    return c.json(await jwks(c.env, orgId), 200, { "cache-control": CACHE });
  });
  return app;
}
