// Routes: policy versions, activation and the dry-run evaluator.
import { z } from "@hono/zod-openapi";
import {
  activatePolicy,
  createPolicy,
  evaluatePolicyDryRun,
  getPolicy,
  listPolicies,
} from "../../services/policies";
import { replayPolicy } from "../../services/replay";
import { listOf } from "../../services/schemas/common";
import {
  CreatedPolicyView,
  CreatePolicyBody,
  EvaluateBody,
  EvaluateView,
  PolicySummaryView,
  PolicyView,
} from "../../services/schemas/policies";
import { ReplayBody, ReplayView } from "../../services/schemas/replay";
import { type AdminApp, adminRoute, body, created, ok } from "../define";

const PolicyParams = z.object({ policyId: z.string() });

const postPolicy = adminRoute({
  method: "post",
  path: "/policies",
  tag: "policies",
  access: "org",
  summary:
    "Upload a policy (YAML or JSON); compile errors come back with line and column, keys matching no tool as warnings",
  request: { body: body(CreatePolicyBody) },
  responses: created(CreatedPolicyView),
});

const getPolicies = adminRoute({
  method: "get",
  path: "/policies",
  tag: "policies",
  access: "org",
  summary: "List policy versions, newest first",
  responses: ok(listOf(PolicySummaryView)),
});

const evaluate = adminRoute({
  method: "post",
  path: "/policies/evaluate",
  tag: "policies",
  access: "org",
  summary: "Dry-run a call against a policy (text, a version, or the active one) and an agent's mandate",
  request: { body: body(EvaluateBody) },
  responses: ok(EvaluateView),
  errors: [404],
});

const getPolicyRoute = adminRoute({
  method: "get",
  path: "/policies/{policyId}",
  tag: "policies",
  access: "org",
  summary: "Read one policy version with its source",
  request: { params: PolicyParams },
  responses: ok(PolicyView),
  errors: [404],
});

const activate = adminRoute({
  method: "post",
  path: "/policies/{policyId}/activate",
  tag: "policies",
  access: "org",
  summary: "Make this version the org's only active policy",
  request: { params: PolicyParams },
  responses: ok(PolicyView),
  errors: [404],
});

const replay = adminRoute({
  method: "post",
  path: "/policies/replay",
  tag: "policies",
  access: "org",
  summary:
    "What would this policy have decided? A draft against the recorded calls of a period (at most 31 days), with their prices and rebuilt counters",
  request: { body: body(ReplayBody) },
  responses: ok(ReplayView),
});

export function policyRoutes(app: AdminApp): void {
  app.openapi(replay, async (c) => c.json(await replayPolicy(c.env, c.var.orgId, c.req.valid("json")), 200));
  app.openapi(postPolicy, async (c) =>
    c.json(await createPolicy(c.env, c.var.orgId, c.req.valid("json"), c.var.now), 201),
  );
  app.openapi(getPolicies, async (c) => c.json({ data: await listPolicies(c.env, c.var.orgId) }, 200));
  app.openapi(evaluate, async (c) =>
    c.json(await evaluatePolicyDryRun(c.env, c.var.orgId, c.req.valid("json"), c.var.now), 200),
  );
  app.openapi(getPolicyRoute, async (c) =>
    c.json(await getPolicy(c.env, c.var.orgId, c.req.valid("param").policyId), 200),
  );
  app.openapi(activate, async (c) =>
    c.json(await activatePolicy(c.env, c.var.orgId, c.req.valid("param").policyId), 200),
  );
}
