// Policy warnings: tool keys and hide entries that match no tool the org's agents can see today (the
// upstreams' exposed names plus tollgate_*), so a rule that would silently never apply is pointed out.
import { and, eq } from "drizzle-orm";
import { db } from "../db/client";
import { upstreams } from "../db/schema";
import { config } from "../env";
import type { CompiledPolicy } from "../policy";
import { formatPath } from "../policy/errors";
import { globMatch, isGlob } from "../policy/glob";
import { detectFormat, parseSource } from "../policy/source";
import { orgCatalogue } from "../upstream/org-catalogue";
import { INPUTS } from "./governance-tools";
import type { PolicyWarning } from "./schemas/policies";

const GOVERNANCE = Object.keys(INPUTS);

/** The entries to check, with their document paths (hide entries by their index in the source). */
function entries(source: string, format: "yaml" | "json" | undefined, policy: CompiledPolicy) {
  const keys = [...Object.keys(policy.exact), ...policy.globs.map((g) => g.pattern)].map((key) => ({
    key,
    path: ["tools", key] as (string | number)[],
    kind: "tool key",
  }));
  const parsed = parseSource(source, format ?? detectFormat(source));
  const hide = parsed.ok ? ((parsed.value as { hide?: unknown }).hide ?? []) : [];
  const hidden = (Array.isArray(hide) ? hide : [])
    .map((key, i) => ({ key: String(key), path: ["hide", i] as (string | number)[], kind: "hide entry" }))
    .filter((e) => e.key !== "*");
  return { all: [...keys, ...hidden], locate: parsed.ok ? parsed.locate : () => null };
}

const matches = (key: string, name: string) => (isGlob(key) ? globMatch(key, name) : key === name);

/** Could `key` name a tool of an upstream we could not list? Then it is not reported. */
function mayBelong(key: string, prefix: string | null): boolean {
  if (prefix === null) return true;
  const literal = isGlob(key) ? key.slice(0, key.search(/[*?]/)) : key;
  return literal.startsWith(prefix) || prefix.startsWith(literal);
}

export async function policyWarnings(
  env: Env,
  orgId: string,
  source: string,
  format: "yaml" | "json" | undefined,
  policy: CompiledPolicy,
): Promise<PolicyWarning[]> {
  const { all, locate } = entries(source, format, policy);
  if (all.length === 0) return [];
  const rows = await db(env)
    .select()
    .from(upstreams)
    .where(and(eq(upstreams.orgId, orgId), eq(upstreams.status, "active")))
    .all();
  const targets = rows.map((u) => ({ ...u, toolPrices: u.toolPrices ?? {} }));
  const cfg = config(env);
  const catalogue = await orgCatalogue(targets, new Set(GOVERNANCE), {
    timeoutMs: cfg.UPSTREAM_TIMEOUT_MS,
    allowPrivate: cfg.ALLOW_PRIVATE_UPSTREAMS,
  });
  const names = [...catalogue.names, ...GOVERNANCE];
  const missing = targets.filter((u) => catalogue.unreachable.includes(u.namespace));
  const warnings: PolicyWarning[] = catalogue.unreachable.map((ns) => ({
    path: "",
    line: null,
    column: null,
    message: `catalogue incomplete: ${ns} unreachable`,
  }));
  for (const e of all) {
    if (names.some((n) => matches(e.key, n))) continue;
    if (missing.some((u) => mayBelong(e.key, u.toolPrefix))) continue;
    const pos = locate(e.path, e.kind === "tool key");
    warnings.push({
      path: formatPath(e.path),
      line: pos?.line ?? null,
      column: pos?.column ?? null,
      message: `${e.kind} "${e.key}" matches no tool in the current catalogue (names are as agents see them, prefix included)`,
    });
  }
  return warnings;
}
