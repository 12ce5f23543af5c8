// The per-request steps every admin route shares, ahead of the library's validators: body cap, auth and
// org scope, our JSON body rules; and after the handler, the check that the answer matches its schema.
import type { RouteConfig } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import type { AppEnv } from "../env";
import { config } from "../env";
import { AppError } from "../errors";
import { authenticate, bearerToken, orgScope } from "../services/auth";
import { requireOrg } from "../services/orgs";
import { issuePath } from "../services/validate";

/** public: no auth; deployment: ADMIN_TOKEN only; org: under /orgs/:orgId (and the /org shorthand). */
export type Access = "public" | "deployment" | "org";

/** What admin handlers read besides the validated input: the org acted on ("" off org routes) and the clock. */
export type AdminEnv = {
  Bindings: Env;
  Variables: AppEnv["Variables"] & { orgId: string; now: number };
};
type AdminMiddleware = MiddlewareHandler<AdminEnv>;

/** MAX_BODY_BYTES (the same cap as /mcp, 1 MiB by default), answered 413 in our error shape. */
export const limitBody: AdminMiddleware = (c, next) =>
  bodyLimit({
    maxSize: config(c.env).MAX_BODY_BYTES,
    onError: () => {
      throw new AppError("PAYLOAD_TOO_LARGE", "Body is too large");
    },
  })(c, next);

/** The one place access kinds and org-scope rules are applied (a non-own org answers 404). */
export function requireAccess(access: Access): AdminMiddleware {
  return async (c, next) => {
    const now = Date.now();
    c.set("now", now);
    c.set("orgId", "");
    if (access === "public") return next();
    const principal = await authenticate(c.env, bearerToken(c.req.header("authorization")), now);
    if (access === "deployment" && principal.kind !== "deployment") {
      throw new AppError("FORBIDDEN", "Only the deployment admin token may do this");
    }
    if (access === "org") {
      // No :orgId param means the /org shorthand (the same handlers are mounted there).
      const orgId = orgScope(principal, c.req.param("orgId") ?? null);
      if (principal.kind === "deployment") await requireOrg(c.env, orgId);
      c.set("orgId", orgId);
    }
    return next();
  };
}

const JSON_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/**
 * Our body rules, kept from before the library: an empty JSON body is `{}` (so optional-only bodies may
 * be left out) and malformed JSON is BAD_REQUEST. The library then validates what we hand it.
 */
export const readJsonBody: AdminMiddleware = async (c, next) => {
  if (!JSON_TYPE.test(c.req.header("content-type") ?? "")) return next();
  const text = await c.req.raw.text();
  const body = text.trim() === "" ? "{}" : text;
  try {
    JSON.parse(body);
  } catch {
    throw new AppError("BAD_REQUEST", "Body must be valid JSON");
  }
  c.req.raw = new Request(c.req.raw, { body });
  return next();
};

/**
 * A JSON answer that does not match the schema the document shows for its status is a fault: thrown
 * (so onError logs it and answers 500 INTERNAL), never sent. Runs in production too (ADR 0019).
 */
export function checkResponses(responses: RouteConfig["responses"]): AdminMiddleware {
  return async (c, next) => {
    await next();
    const declared = responses[String(c.res.status)];
    const media = declared && "content" in declared ? declared.content?.["application/json"] : undefined;
    const schema = media && "schema" in media ? media.schema : undefined;
    if (!(schema instanceof z.ZodType) || !JSON_TYPE.test(c.res.headers.get("content-type") ?? "")) return;
    const result = schema.safeParse(await c.res.clone().json());
    if (result.success) return;
    const issues = result.error.issues.map((i) => `${issuePath(i.path) || "(root)"}: ${i.message}`);
    throw new Error(
      `${c.req.method} ${c.req.routePath} answered ${c.res.status} off its schema: ${issues.join("; ")}`,
    );
  };
}
