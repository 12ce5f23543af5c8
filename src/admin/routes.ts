// The admin REST API (/api/v1): every route declared once (handler + OpenAPI entry) per resource file.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { AdminRouter } from "./define";
import { openApiDocument } from "./openapi";
import { activityRoutes } from "./routes/activity";
import { agentRoutes } from "./routes/agents";
import { orgRoutes } from "./routes/orgs";
import { policyRoutes } from "./routes/policies";
import { upstreamRoutes } from "./routes/upstreams";

export function adminRoutes() {
  const app = new Hono<AppEnv>();
  const router = new AdminRouter(app);
  orgRoutes(router);
  agentRoutes(router);
  policyRoutes(router);
  upstreamRoutes(router);
  activityRoutes(router);
  let doc: unknown = null;
  app.get("/openapi.json", (c) => {
    doc ??= openApiDocument(router.docs);
    return c.json(doc as object);
  });
  return app;
}
