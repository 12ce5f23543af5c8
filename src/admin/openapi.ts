// The OpenAPI 3.1 document, generated from the same route declarations and zod schemas that serve requests.
import { z } from "zod";
import { ErrorBody } from "../services/schemas/common";
import type { RouteDoc } from "./define";

type JsonSchema = Record<string, unknown>;

const ERROR_TEXT: Record<number, string> = {
  400: "VALIDATION_FAILED (details name each field) or BAD_REQUEST",
  401: "UNAUTHORIZED: missing, unknown or revoked token",
  403: "FORBIDDEN: an MCP key, or a route for the deployment admin only",
  404: "NOT_FOUND (also for another org's ids)",
  409: "CONFLICT",
  503: "LEDGER_UNAVAILABLE",
};

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

const errorRef = { $ref: "#/components/schemas/Error" };
const json = (schema: JsonSchema) => ({ "application/json": { schema } });

function operation(doc: RouteDoc) {
  const pathParams = [...doc.path.matchAll(/:(\w+)/g)].map((m) => ({
    name: m[1],
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  const query = doc.query ? jsonSchema(doc.query, "input") : null;
  const required = new Set((query?.required as string[] | undefined) ?? []);
  const queryParams = Object.entries((query?.properties as Record<string, JsonSchema> | undefined) ?? {}).map(
    ([name, schema]) => ({ name, in: "query", required: required.has(name), schema }),
  );
  const codes = new Set<number>([...(doc.access === "public" ? [] : [401, 403]), ...doc.errors]);
  if (doc.body || doc.query) codes.add(400);
  if (doc.access === "org") codes.add(404);
  const responses: Record<string, unknown> = {
    [doc.status]: {
      description: doc.status === 201 ? "Created" : "OK",
      content: json(jsonSchema(doc.response, "output")),
    },
  };
  for (const code of [...codes].sort())
    responses[code] = { description: ERROR_TEXT[code] ?? "Error", content: json(errorRef) };
  return {
    operationId: `${doc.method}${doc.path.replace(/\/:?(\w)/g, (_m, c: string) => c.toUpperCase()).replace(/\W/g, "")}`,
    summary: doc.summary,
    tags: [doc.tag],
    security: doc.access === "public" ? [] : [{ bearer: [] }],
    parameters: [...pathParams, ...queryParams],
    ...(doc.body ? { requestBody: { required: true, content: json(jsonSchema(doc.body, "input")) } } : {}),
    responses,
  };
}

export function openApiDocument(docs: RouteDoc[], serverUrl = "/api/v1") {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const doc of docs) {
    const path = doc.path.replace(/:(\w+)/g, "{$1}");
    paths[path] ??= {};
    paths[path][doc.method] = operation(doc);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Tollgate admin API",
      version: "1",
      description:
        "Manage orgs, keys, agents, mandates, policies, upstreams, webhooks and approvals. Every /orgs/{orgId}/… " +
        "route is also served as /org/… for an org admin key (its own org). Money is integer base units as strings " +
        "with currency and decimals.",
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "The deployment ADMIN_TOKEN, or an org admin key (tg_adm_…)",
        },
      },
      schemas: { Error: jsonSchema(ErrorBody, "output") },
    },
    paths,
  };
}
