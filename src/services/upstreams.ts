// Upstream MCP servers of an org: SSRF-checked URLs, write-only credential headers, configured tool prices.
import { and, asc, eq, inArray, ne } from "drizzle-orm";
import { db, newId } from "../db/client";
import type { UpstreamRow } from "../db/queries/tenant";
import { agents, upstreams } from "../db/schema";
import { config } from "../env";
import { AppError } from "../errors";
import { checkOutboundUrl } from "../net/private-address";
import { NAMESPACE_SEPARATOR } from "../upstream/tools";
import { moneyView, resolveDecimals, toBaseUnitString } from "./money";
import { requireOwned } from "./owned";
import type { CreateUpstreamBody, UpdateUpstreamBody, UpstreamView } from "./schemas/upstreams";
import { invalidateOrg } from "./tenant";
import { fieldError } from "./validate";

type StoredPrices = Record<string, { amount: string; currency: string; decimals: number }>;

export function upstreamView(row: UpstreamRow): UpstreamView {
  const prices: UpstreamView["toolPrices"] = {};
  for (const [tool, p] of Object.entries(row.toolPrices ?? {}))
    prices[tool] = moneyView(p.amount, p.currency, p.decimals);
  return {
    id: row.id,
    namespace: row.namespace,
    toolPrefix: row.toolPrefix,
    url: row.url,
    headerNames: Object.keys(row.headers ?? {}),
    agentIds: row.agentIds,
    toolPrices: prices,
    status: row.status,
    createdAt: row.createdAt,
  };
}

/** Rejects URLs that would let the gateway reach private networks (unless the deployment allows it). */
export function checkedUrl(env: Env, url: string, path = "url"): string {
  const check = checkOutboundUrl(url, config(env).ALLOW_PRIVATE_UPSTREAMS);
  if (!check.ok) throw fieldError(path, check.reason);
  return check.url.toString();
}

function basePrices(input: CreateUpstreamBody["toolPrices"]): StoredPrices {
  const out: StoredPrices = {};
  for (const [tool, p] of Object.entries(input)) {
    const decimals = resolveDecimals(p.currency, p.decimals, `toolPrices.${tool}.currency`);
    out[tool] = {
      amount: toBaseUnitString(p.amount, decimals, `toolPrices.${tool}.amount`),
      currency: p.currency,
      decimals,
    };
  }
  return out;
}

async function checkAgents(env: Env, orgId: string, ids: string[] | null): Promise<void> {
  if (!ids || ids.length === 0) return;
  const found = await db(env)
    .select({ id: agents.id })
    .from(agents)
    .where(and(eq(agents.orgId, orgId), inArray(agents.id, ids)))
    .all();
  const known = new Set(found.map((a) => a.id));
  const missing = ids.findIndex((id) => !known.has(id));
  if (missing >= 0) {
    throw new AppError("NOT_FOUND", "Agent not found", [
      { path: `agentIds[${missing}]`, message: "no such agent in this org" },
    ]);
  }
}

async function assertNamespaceFree(env: Env, orgId: string, namespace: string, exceptId: string | null) {
  const clash = await db(env)
    .select({ id: upstreams.id })
    .from(upstreams)
    .where(
      and(
        eq(upstreams.orgId, orgId),
        eq(upstreams.namespace, namespace),
        exceptId ? ne(upstreams.id, exceptId) : undefined,
      ),
    )
    .get();
  if (clash) throw new AppError("CONFLICT", `An upstream with namespace "${namespace}" already exists`);
}

const noPrefix = (p: string | null) => (p === null ? "no prefix" : `prefix "${p}"`);

/**
 * Two upstreams of an org must never be able to make the same tool name: at most one without a prefix,
 * and no prefix equal to, or the start of, another (tool "a_b_x" could be "a_" + "b_x" or "a_b_" + "x").
 * An unprefixed upstream listing a name that starts with a prefix is caught at runtime (catalog.ts).
 */
async function assertPrefixFree(env: Env, orgId: string, prefix: string | null, exceptId: string | null) {
  const others = await db(env)
    .select({ id: upstreams.id, namespace: upstreams.namespace, toolPrefix: upstreams.toolPrefix })
    .from(upstreams)
    .where(and(eq(upstreams.orgId, orgId), exceptId ? ne(upstreams.id, exceptId) : undefined))
    .all();
  const p = prefix ?? "";
  for (const o of others) {
    const q = o.toolPrefix ?? "";
    const clash = p === q || (p !== "" && q !== "" && (p.startsWith(q) || q.startsWith(p)));
    if (!clash) continue;
    const why =
      p === q
        ? prefix === null
          ? `upstream "${o.namespace}" already exposes its tool names unprefixed; give this one a toolPrefix`
          : `upstream "${o.namespace}" already uses tool prefix "${prefix}"`
        : `${noPrefix(prefix)} overlaps upstream "${o.namespace}"'s ${noPrefix(o.toolPrefix)}: one tool name could belong to both`;
    throw new AppError("CONFLICT", `Tool names would collide: ${why}`, [
      { path: "toolPrefix", message: why },
    ]);
  }
}

/** Unless given: none for the org's first upstream, `<namespace>__` once it has one. */
async function defaultPrefix(env: Env, orgId: string, namespace: string): Promise<string | null> {
  const any = await db(env)
    .select({ id: upstreams.id })
    .from(upstreams)
    .where(eq(upstreams.orgId, orgId))
    .get();
  return any ? namespace + NAMESPACE_SEPARATOR : null;
}

export async function requireUpstream(env: Env, orgId: string, id: string): Promise<UpstreamRow> {
  return requireOwned(env, upstreams, orgId, id, "Upstream");
}

export async function createUpstream(env: Env, orgId: string, input: CreateUpstreamBody, now: number) {
  const url = checkedUrl(env, input.url);
  const toolPrices = basePrices(input.toolPrices);
  await checkAgents(env, orgId, input.agentIds);
  await assertNamespaceFree(env, orgId, input.namespace, null);
  const toolPrefix =
    input.toolPrefix === undefined ? await defaultPrefix(env, orgId, input.namespace) : input.toolPrefix;
  await assertPrefixFree(env, orgId, toolPrefix, null);
  const id = newId("ups");
  await db(env)
    .insert(upstreams)
    .values({
      id,
      orgId,
      namespace: input.namespace,
      toolPrefix,
      url,
      headers: input.headers,
      agentIds: input.agentIds,
      toolPrices,
      createdAt: now,
    })
    .run();
  invalidateOrg(orgId);
  return upstreamView(await requireUpstream(env, orgId, id));
}

export async function listUpstreams(env: Env, orgId: string): Promise<UpstreamView[]> {
  const rows = await db(env)
    .select()
    .from(upstreams)
    .where(eq(upstreams.orgId, orgId))
    .orderBy(asc(upstreams.namespace))
    .all();
  return rows.map(upstreamView);
}

export async function getUpstream(env: Env, orgId: string, id: string): Promise<UpstreamView> {
  return upstreamView(await requireUpstream(env, orgId, id));
}

export async function updateUpstream(env: Env, orgId: string, id: string, input: UpdateUpstreamBody) {
  await requireUpstream(env, orgId, id);
  const patch: Partial<typeof upstreams.$inferInsert> = {};
  if (input.url !== undefined) patch.url = checkedUrl(env, input.url);
  if (input.toolPrices !== undefined) patch.toolPrices = basePrices(input.toolPrices);
  if (input.agentIds !== undefined) {
    await checkAgents(env, orgId, input.agentIds);
    patch.agentIds = input.agentIds;
  }
  if (input.namespace !== undefined) {
    await assertNamespaceFree(env, orgId, input.namespace, id);
    patch.namespace = input.namespace;
  }
  if (input.toolPrefix !== undefined) {
    await assertPrefixFree(env, orgId, input.toolPrefix, id);
    patch.toolPrefix = input.toolPrefix;
  }
  if (input.headers !== undefined) patch.headers = input.headers;
  if (input.status !== undefined) patch.status = input.status;
  if (Object.keys(patch).length > 0) {
    await db(env)
      .update(upstreams)
      .set(patch)
      .where(and(eq(upstreams.orgId, orgId), eq(upstreams.id, id)))
      .run();
    invalidateOrg(orgId);
  }
  return getUpstream(env, orgId, id);
}

export async function deleteUpstream(env: Env, orgId: string, id: string) {
  await requireUpstream(env, orgId, id);
  await db(env)
    .delete(upstreams)
    .where(and(eq(upstreams.orgId, orgId), eq(upstreams.id, id)))
    .run();
  invalidateOrg(orgId);
  return { id, deleted: true as const };
}
