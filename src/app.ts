// The Hono app: middleware order and route mounting at a glance.
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { adminRoutes, wellKnownRoutes } from "./admin/routes";
import { dashboardRoutes } from "./dashboard/routes";
import type { AppEnv } from "./env";
import { AppError, codeForStatus, codeToStatus, errorBody } from "./errors";
import { mcpRoutes } from "./mcp/routes";

export function createApp() {
  const app = new Hono<AppEnv>();

  app.use("*", async (c, next) => {
    c.set("requestId", c.req.header("cf-ray") ?? crypto.randomUUID());
    await next();
  });

  // HSTS, nosniff, frame and cross-origin policies for the human- and operator-facing surfaces. Headers a
  // route sets itself win (the dashboard's own CSP and referrer policy stay as they are).
  const secure = secureHeaders({ overwrite: false });
  app.use("/dashboard/*", secure);
  app.use("/api/*", secure);

  app.get("/healthz", (c) => c.json({ ok: true }));
  // Receipt verification keys (public; docs/decisions/0033-receipts.md).
  app.route("/.well-known", wellKnownRoutes());
  // The MCP gateway last: its "/:key/mcp" pattern must not shadow /api or /dashboard.
  app.route("/dashboard", dashboardRoutes());
  app.route("/api/v1", adminRoutes());
  app.route("/", mcpRoutes());

  app.notFound((c) => c.json(errorBody("NOT_FOUND", "Not found", c.get("requestId")), 404));
  app.onError((err, c) => {
    const requestId = c.get("requestId") ?? "unknown";
    if (err instanceof AppError) {
      return c.json(errorBody(err.code, err.message, requestId, err.details), codeToStatus(err.code));
    }
    // Middleware faults from libraries (e.g. 415 for a body that is not JSON), in our shape.
    if (err instanceof HTTPException && err.status < 500) {
      const code = codeForStatus(err.status);
      return c.json(errorBody(code, err.message, requestId), codeToStatus(code));
    }
    // Unknown faults are logged without request data (it may hold keys or payment payloads).
    console.error("unhandled", requestId, err instanceof Error ? err.message : String(err));
    return c.json(errorBody("INTERNAL", "Internal error", requestId), 500);
  });
  return app;
}
