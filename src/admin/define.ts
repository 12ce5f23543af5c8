// One declaration per admin route: `adminRoute()` is `createRoute()` plus our conventions (tag, access,
// the error responses each access kind can give, operation ids), so the handler @hono/zod-openapi
// registers and the OpenAPI entry it documents come from the same object.
import { createRoute, OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import type { z } from "zod";
import { ErrorBody } from "../services/schemas/common";
import { issuePath, validationError } from "../services/validate";
import { type Access, type AdminEnv, checkResponses, readJsonBody, requireAccess } from "./middleware";

export type AdminApp = OpenAPIHono<AdminEnv>;

const WHERE: Record<string, string> = { json: "body", param: "path" };

/** An OpenAPIHono whose failed validations throw our VALIDATION_FAILED (details: [{ path, message }]). */
export function adminApp(): AdminApp {
  return new OpenAPIHono<AdminEnv>({
    defaultHook: (result) => {
      if (result.success) return;
      const details = result.error.issues.map((i) => ({ path: issuePath(i.path), message: i.message }));
      throw validationError(WHERE[result.target] ?? result.target, details);
    },
  });
}

/** Registered as the Error component, so every error response is a $ref to it. */
export const ErrorSchema = ErrorBody.openapi("Error");

const json = <S extends z.ZodType>(schema: S) => ({ "application/json": { schema } });
/** A required JSON request body. */
export const body = <S extends z.ZodType>(schema: S) => ({ content: json(schema), required: true });
export const ok = <S extends z.ZodType>(schema: S) => ({ 200: { description: "OK", content: json(schema) } });
export const created = <S extends z.ZodType>(schema: S) => ({
  201: { description: "Created", content: json(schema) },
});

const ERROR_TEXT: Record<number, string> = {
  400: "VALIDATION_FAILED (details name each field) or BAD_REQUEST",
  401: "UNAUTHORIZED: missing, unknown or revoked token",
  403: "FORBIDDEN: an MCP key, or a route for the deployment admin only",
  404: "NOT_FOUND (also for another org's ids)",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE: body over MAX_BODY_BYTES",
  415: "UNSUPPORTED_MEDIA_TYPE: a body that is not application/json",
  503: "LEDGER_UNAVAILABLE",
};

type AdminRouteDef = Omit<RouteConfig, "tags" | "security" | "operationId" | "parameters" | "middleware"> & {
  tag: string;
  access: Access;
  /** Extra error codes worth documenting beyond the auth/validation ones. */
  errors?: readonly number[];
};

/** For "org" access, `path` is relative to /orgs/{orgId} ("/" for the org itself). */
export function adminRoute<const R extends AdminRouteDef>({ tag, access, errors = [], ...route }: R) {
  const responses = withErrors(route.responses, errorCodes(route, access, errors));
  return createRoute({
    ...route,
    tags: [tag],
    operationId: operationId(route.method, access === "org" ? `/orgs/{orgId}${route.path}` : route.path),
    security: access === "public" ? [] : [{ bearer: [] }],
    // The documented path parameter of every org route (the /org shorthand has none).
    parameters:
      access === "org" ? [{ name: "orgId", in: "path", required: true, schema: { type: "string" } }] : [],
    middleware: [
      requireAccess(access),
      ...(route.request?.body ? [readJsonBody] : []),
      checkResponses(responses),
    ],
    responses,
  });
}

function errorCodes(route: Pick<RouteConfig, "request">, access: Access, extra: readonly number[]): number[] {
  const codes = new Set<number>([...(access === "public" ? [] : [401, 403]), ...extra]);
  if (route.request?.body || route.request?.query) codes.add(400);
  if (route.request?.body) for (const code of [413, 415]) codes.add(code);
  if (access === "org") codes.add(404);
  return [...codes].sort((a, b) => a - b);
}

/** The declared success responses plus the error ones (typed as the former: handlers answer success). */
function withErrors<T extends RouteConfig["responses"]>(responses: T, codes: number[]): T {
  const errors = codes.map((code) => [
    code,
    { description: ERROR_TEXT[code] ?? "Error", content: json(ErrorSchema) },
  ]);
  return Object.assign({}, responses, Object.fromEntries(errors));
}

/** getOrgsOrgIdAgentsAgentId for GET /orgs/{orgId}/agents/{agentId}, as before the library. */
function operationId(method: string, path: string): string {
  const camel = path.replace(/\/\{?(\w)/g, (_m, c: string) => c.toUpperCase()).replace(/\W/g, "");
  return `${method}${camel}`;
}
