// Org policies: compile on upload (errors with line/column), append-only versions, one active per org,
// and a dry-run evaluation that reaches no ledger.
import { and, desc, eq, sql } from "drizzle-orm";
import { db, newId } from "../db/client";
import type { PolicyRow } from "../db/queries/tenant";
import { policies } from "../db/schema";
import { AppError } from "../errors";
import { type CompiledPolicy, compilePolicy } from "../policy";
import { requireAgent } from "./agents";
import { judge } from "./judge";
import { currentMandateRow } from "./mandates";
import { requireOrg } from "./orgs";
import { requireOwned } from "./owned";
import { policyWarnings } from "./policy-warnings";
import type {
  CreatedPolicyView,
  CreatePolicyBody,
  EvaluateBody,
  PolicySummaryView,
  PolicyView,
  PolicyWarning,
} from "./schemas/policies";
import { mandateFromRow, orgSettings, storedPolicy } from "./stored";
import { invalidateOrg } from "./tenant";

export function policySummary(row: PolicyRow): PolicySummaryView {
  return { id: row.id, version: row.version, mode: row.mode, active: row.active, createdAt: row.createdAt };
}

export function policyView(row: PolicyRow): PolicyView {
  return { ...policySummary(row), source: row.source, compiled: row.parsed };
}

export function compileOrThrow(source: string, format: "yaml" | "json" | undefined): CompiledPolicy {
  const result = compilePolicy(source, format ? { format } : {});
  // details keep the engine's { line, column, path, message } so editors can underline the spot.
  if (!result.ok)
    throw new AppError("VALIDATION_FAILED", `Invalid policy: ${describe(result.errors)}`, result.errors);
  return result.policy;
}

function describe(
  errors: { line: number | null; column: number | null; path: string; message: string }[],
): string {
  return errors
    .slice(0, 5)
    .map(
      (e) =>
        `${e.line === null ? "" : `${e.line}:${e.column ?? 0} `}${e.path ? `${e.path}: ` : ""}${e.message}`,
    )
    .join("; ");
}

export async function requirePolicy(env: Env, orgId: string, id: string): Promise<PolicyRow> {
  return requireOwned(env, policies, orgId, id, "Policy");
}

function activation(env: Env, orgId: string, id: string) {
  const d = db(env);
  return [
    d.update(policies).set({ active: false }).where(eq(policies.orgId, orgId)),
    d
      .update(policies)
      .set({ active: true })
      .where(and(eq(policies.orgId, orgId), eq(policies.id, id))),
  ] as const;
}

export async function createPolicy(
  env: Env,
  orgId: string,
  input: CreatePolicyBody,
  now: number,
): Promise<CreatedPolicyView> {
  const compiled = compileOrThrow(input.source, input.format);
  const warnings = await policyWarnings(env, orgId, input.source, input.format, compiled);
  const d = db(env);
  const id = newId("pol");
  const nextVersion = sql`(select coalesce(max(${policies.version}), 0) + 1 from ${policies} where ${policies.orgId} = ${orgId})`;
  const insert = d.insert(policies).values({
    id,
    orgId,
    version: nextVersion,
    source: input.source,
    parsed: compiled,
    mode: compiled.mode,
    active: false,
    createdAt: now,
  });
  if (input.activate) await d.batch([insert, ...activation(env, orgId, id)]);
  else await insert.run();
  if (input.activate) invalidateOrg(orgId);
  return { ...policyView(await requirePolicy(env, orgId, id)), warnings };
}

export async function listPolicies(env: Env, orgId: string): Promise<PolicySummaryView[]> {
  const rows = await db(env)
    .select()
    .from(policies)
    .where(eq(policies.orgId, orgId))
    .orderBy(desc(policies.version))
    .all();
  return rows.map(policySummary);
}

export async function getPolicy(env: Env, orgId: string, id: string): Promise<PolicyView> {
  return policyView(await requirePolicy(env, orgId, id));
}

export async function activatePolicy(env: Env, orgId: string, id: string): Promise<PolicyView> {
  await requirePolicy(env, orgId, id);
  await db(env).batch([...activation(env, orgId, id)]);
  invalidateOrg(orgId);
  return getPolicy(env, orgId, id);
}

export async function activePolicyRow(env: Env, orgId: string): Promise<PolicyRow | null> {
  const row = await db(env)
    .select()
    .from(policies)
    .where(and(eq(policies.orgId, orgId), eq(policies.active, true)))
    .orderBy(desc(policies.version))
    .get();
  return row ?? null;
}

/** Dry run: which policy (uploaded text, a stored version, or the active one) and mandate would decide what. */
export async function evaluatePolicyDryRun(env: Env, orgId: string, input: EvaluateBody, now: number) {
  const org = await requireOrg(env, orgId);
  let policy: CompiledPolicy | null = null;
  let ref: { id: string | null; version: number | null } | null = null;
  let warnings: PolicyWarning[] = [];
  if (input.source) {
    policy = compileOrThrow(input.source, input.format);
    ref = { id: null, version: null };
    warnings = await policyWarnings(env, orgId, input.source, input.format, policy);
  } else {
    const row = input.policyId
      ? await requirePolicy(env, orgId, input.policyId)
      : await activePolicyRow(env, orgId);
    if (row) {
      policy = storedPolicy(row);
      ref = { id: row.id, version: row.version };
    }
  }
  const agentId = input.call.agentId ?? null;
  const agent = agentId ? await requireAgent(env, orgId, agentId) : null;
  const mandateRow = agentId ? await currentMandateRow(env, orgId, agentId) : null;
  const price = input.call.price;
  const rules = {
    policy,
    mandate: mandateRow ? mandateFromRow(mandateRow, agent?.name) : null,
    conversions: orgSettings(org.settings).conversions,
  };
  const decision = judge(
    rules,
    {
      orgId,
      agentId: agentId ?? "",
      sessionId: input.call.sessionId ?? null,
      tool: input.call.tool,
      upstream: input.call.upstream ?? null,
      args: input.call.args,
      price: price
        ? { amount: BigInt(price.amount), currency: price.currency, decimals: price.decimals }
        : null,
      vendor: input.call.vendor ?? null,
      category: input.call.category ?? null,
    },
    input.now ?? now,
    input.approved,
  );
  return {
    policy: ref,
    mandate: mandateRow ? { id: mandateRow.id, version: mandateRow.version } : null,
    decision: jsonSafe(decision),
    warnings,
  };
}

/** Decisions may carry bigints (prices); the wire gets digit strings. */
function jsonSafe(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}
