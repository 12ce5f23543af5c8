// The Hono app: middleware order and route mounting at a glance.
import { Hono } from "hono";
import { adminRoutes } from "./admin/routes";
import { dashboardRoutes } from "./dashboard/routes";
import type { AppEnv } from "./env";
import { AppError, codeToStatus, errorBody } from "./errors";
import { mcpRoutes } from "./mcp/routes";

export function createApp() {
  const app = new Hono<AppEnv>();

  app.use("*", async (c, next) => {
    c.set("requestId", c.req.header("cf-ray") ?? crypto.randomUUID());
    await next();
  });

  app.get("/healthz", (c) => c.json({ ok: true }));
  // The MCP gateway last: its "/:key/mcp" pattern must not shadow /api or /dashboard.
  app.route("/dashboard", dashboardRoutes());
  app.route("/api/v1", adminRoutes());
  app.route("/", mcpRoutes());

  app.notFound((c) => c.json(errorBody("NOT_FOUND", "Not found", c.get("requestId")), 404));
  app.onError((err, c) => {
    const requestId = c.get("requestId") ?? "unknown";
    if (err instanceof AppError) {
      return c.json(errorBody(err.code, err.message, requestId, err.details), codeToStatus(err.code) as 400);
    }
    // Unknown faults are logged without request data (it may hold keys or payment payloads).
    console.error("unhandled", requestId, err instanceof Error ? err.message : String(err));
    return c.json(errorBody("INTERNAL", "Internal error", requestId), 500);
  });
  return app;
}
