// The OpenAPI document lists every route with its schemas and the error shape, and real responses
// validate against the schemas it declares.
import { Validator } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import { api, newAgent, newOrg } from "./helpers";

type Op = {
  parameters: { name: string; in: string }[];
  requestBody?: { content: { "application/json": { schema: object } } };
  responses: Record<string, { content: { "application/json": { schema: Record<string, unknown> } } }>;
};
type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Op>>;
  components: { schemas: Record<string, object> };
};

async function doc(): Promise<Doc> {
  return (await api("GET", "/openapi.json", { token: null })).body as Doc;
}

function responseSchema(d: Doc, path: string, method: string, status: string) {
  const op = d.paths[path]?.[method];
  if (!op) throw new Error(`${method} ${path} is not documented`);
  return op.responses[status]!.content["application/json"].schema;
}

describe("OpenAPI document", () => {
  it("lists every admin route", async () => {
    const d = await doc();
    expect(d.openapi).toBe("3.1.0");
    const ops = Object.entries(d.paths).flatMap(([p, m]) =>
      Object.keys(m).map((x) => `${x.toUpperCase()} ${p}`),
    );
    for (const expected of [
      "POST /orgs",
      "GET /orgs",
      "GET /orgs/{orgId}",
      "PATCH /orgs/{orgId}",
      "POST /orgs/{orgId}/keys",
      "POST /orgs/{orgId}/keys/{keyId}/revoke",
      "DELETE /orgs/{orgId}/agents/{agentId}",
      "PUT /orgs/{orgId}/agents/{agentId}/mandate",
      "GET /orgs/{orgId}/agents/{agentId}/mandate/versions",
      "POST /orgs/{orgId}/policies/evaluate",
      "POST /orgs/{orgId}/policies/{policyId}/activate",
      "PATCH /orgs/{orgId}/upstreams/{upstreamId}",
      "GET /orgs/{orgId}/transactions",
      "GET /orgs/{orgId}/budgets",
      "POST /orgs/{orgId}/approvals/{approvalId}/reject",
      "GET /orgs/{orgId}/webhooks/{webhookId}/deliveries",
    ]) {
      expect(ops).toContain(expected);
    }
  });

  it("gives each operation its params, body, success schema and the error shape", async () => {
    const d = await doc();
    for (const [path, methods] of Object.entries(d.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        expect(op.parameters.filter((p) => p.in === "path").map((p) => p.name)).toEqual(names);
        if (
          ["post", "put", "patch"].includes(method) &&
          !path.endsWith("/revoke") &&
          !path.endsWith("/activate") &&
          !path.endsWith("/test") &&
          !path.endsWith("/enable") &&
          !path.endsWith("/redeliver") &&
          !path.endsWith("/rotate-secrets") &&
          !path.endsWith("/signing-keys/rotate")
        ) {
          expect(op.requestBody, `${method} ${path}`).toBeDefined();
        }
        const statuses = Object.keys(op.responses);
        expect(statuses.some((s) => s === "200" || s === "201")).toBe(true);
        if (path.startsWith("/orgs"))
          expect(op.responses["401"]?.content["application/json"].schema).toEqual({
            $ref: "#/components/schemas/Error",
          });
      }
    }
    expect(d.paths["/orgs/{orgId}/transactions"]!.get!.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(["orgId", "agentId", "tool", "status", "from", "to", "cursor", "limit"]),
    );
    expect(d.components.schemas.Error).toBeDefined();
  });

  it("declares response schemas that real responses satisfy", async () => {
    const d = await doc();
    const created = await api("POST", "/orgs", { body: { name: "Schema Co" } });
    const check = (schema: object, value: unknown) => {
      const result = new Validator(schema as never, "2020-12", false).validate(value);
      expect(result.errors, JSON.stringify(result.errors.slice(0, 3))).toEqual([]);
    };
    check(responseSchema(d, "/orgs", "post", "201"), created.body);
    const { adminKey } = await newOrg();
    const agentId = await newAgent(adminKey, "bot");
    const mandate = await api("PUT", `/org/agents/${agentId}/mandate`, {
      token: adminKey,
      body: { currency: "USD", budgets: { daily: "5" } },
    });
    check(responseSchema(d, "/orgs/{orgId}/agents/{agentId}/mandate", "put", "200"), mandate.body);
    check(
      responseSchema(d, "/orgs/{orgId}/agents/{agentId}", "get", "200"),
      (await api("GET", `/org/agents/${agentId}`, { token: adminKey })).body,
    );
    const err = await api("GET", "/org/agents/agt_nope", { token: adminKey });
    check(d.components.schemas.Error!, err.body);
  });
});
