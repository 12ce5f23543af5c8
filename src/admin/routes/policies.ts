// Routes: policy versions, activation and the dry-run evaluator.

import {
  activatePolicy,
  createPolicy,
  evaluatePolicyDryRun,
  getPolicy,
  listPolicies,
} from "../../services/policies";
import { listOf } from "../../services/schemas/common";
import {
  CreatedPolicyView,
  CreatePolicyBody,
  EvaluateBody,
  EvaluateView,
  PolicySummaryView,
  PolicyView,
} from "../../services/schemas/policies";
import type { AdminRouter } from "../define";

export function policyRoutes(r: AdminRouter): void {
  r.add({
    method: "post",
    path: "/policies",
    tag: "policies",
    access: "org",
    summary:
      "Upload a policy (YAML or JSON); compile errors come back with line and column, keys matching no tool as warnings",
    body: CreatePolicyBody,
    response: CreatedPolicyView,
    status: 201,
    handle: ({ env, orgId, body, now }) => createPolicy(env, orgId, body, now),
  })
    .add({
      method: "get",
      path: "/policies",
      tag: "policies",
      access: "org",
      summary: "List policy versions, newest first",
      response: listOf(PolicySummaryView),
      handle: async ({ env, orgId }) => ({ data: await listPolicies(env, orgId) }),
    })
    .add({
      method: "post",
      path: "/policies/evaluate",
      tag: "policies",
      access: "org",
      summary: "Dry-run a call against a policy (text, a version, or the active one) and an agent's mandate",
      body: EvaluateBody,
      response: EvaluateView,
      errors: [404],
      handle: ({ env, orgId, body, now }) => evaluatePolicyDryRun(env, orgId, body, now),
    })
    .add({
      method: "get",
      path: "/policies/:policyId",
      tag: "policies",
      access: "org",
      summary: "Read one policy version with its source",
      response: PolicyView,
      errors: [404],
      handle: ({ env, orgId, params }) => getPolicy(env, orgId, params.policyId!),
    })
    .add({
      method: "post",
      path: "/policies/:policyId/activate",
      tag: "policies",
      access: "org",
      summary: "Make this version the org's only active policy",
      response: PolicyView,
      errors: [404],
      handle: ({ env, orgId, params }) => activatePolicy(env, orgId, params.policyId!),
    });
}
