// Resolves the API key in the URL (or bearer header), or an OAuth grant, to the org, agent, policy, mandate and
// upstreams that serve this request. Three bounded per-isolate caches keep the hot path off D1: keys
// by hash, the org-wide state by org, and one agent's state by (org, agent). None holds a list of an
// org's agents, so neither memory nor per-request work grows with them (docs/decisions/0024).
// Admin writes call invalidateOrg(); other isolates pick changes up within CACHE_TTL_MS.

import { z } from "zod";
import { db } from "../db/client";
import {
  type AgentConfig,
  type AgentRow,
  type AgentSelector,
  findKeyByHash,
  type KeyRow,
  loadAgentConfig,
  loadOrgConfig,
  type OrgConfig,
  type OrgRow,
  touchKey,
  type WalletMethodRow,
} from "../db/queries/tenant";
import type { LedgerRoute } from "../ledger/client";
import { MAX_SHARDS } from "../ledger/lease/shards";
import type { ConversionTable } from "../money";
import type { CompiledPolicy, Mandate } from "../policy";
import { TtlCache } from "../ttl-cache";
import type { UpstreamTarget } from "../upstream/forward";
import type { Rules } from "./judge";
import { liveKey, touchDue } from "./key-auth";
import { mandateFromRow, type OrgSettings, orgSettings, storedPolicy } from "./stored";

export const CACHE_TTL_MS = 30_000;
/** Entry caps: the oldest entry goes first when full (src/ttl-cache.ts). */
export const CACHE_LIMITS = { keys: 10_000, orgs: 1_000, agents: 10_000 } as const;

const keyCache = new TtlCache<string, KeyRow | null>(CACHE_TTL_MS, CACHE_LIMITS.keys);
const orgCache = new TtlCache<string, OrgState | null>(CACHE_TTL_MS, CACHE_LIMITS.orgs);
/** Keyed `<orgId>|id:<agentId>`, `<orgId>|name:<name>` or `<orgId>|default`. */
const agentCache = new TtlCache<string, AgentState | null>(CACHE_TTL_MS, CACHE_LIMITS.agents);

type TenantUpstream = UpstreamTarget & {
  toolPrices: Record<string, { amount: string; currency: string; decimals: number }>;
  /** Put before each tool name this upstream lists; null: names unchanged (see catalog.ts). */
  toolPrefix: string | null;
  /** null: every agent of the org may use it. */
  agentIds: string[] | null;
};

/** What is the same for every agent of an org, JSON columns decoded once when the cache is filled. */
export type OrgState = {
  org: OrgRow;
  settings: OrgSettings;
  policy: CompiledPolicy | null;
  policyVersion: number | null;
  upstreams: TenantUpstream[];
};

/** One agent: its row, its decoded mandate, and the wallet Tollgate pays with for it (if any). */
export type AgentState = { agent: AgentRow; mandate: Mandate | null; wallet: TenantWallet | null };

export type Tenant = {
  orgId: string;
  keyId: string;
  keyScope: "org" | "agent";
  agent: { id: string; name: string; description: string; governanceTools: boolean };
  mandate: Mandate | null;
  policy: CompiledPolicy | null;
  policyVersion: number | null;
  conversions: ConversionTable;
  upstreams: Omit<TenantUpstream, "agentIds">[];
  timeZone: string;
  /** Percent of a budget at which mandate.budget.warning fires (org setting, default 80). */
  warningThreshold: number;
  /**
   * Approvals may be asked inline through the agent's own client (elicitation). Off by default: it
   * trusts the person at the client, and an agent's client can answer for itself.
   */
  inlineApprovals: boolean;
  /** Who answers payment challenges; tollgate-pays with a null wallet fails closed (no payment). */
  payer: { mode: "agent-pays" } | { mode: "tollgate-pays"; wallet: TenantWallet | null };
  /** Ledger shards of the org (`orgs.settings.ledgerShards`, docs/ledger-sharding.md); absent or 1: one object. */
  ledgerShards?: number;
  /** Anomaly webhooks (spend.velocity, payee.new); absent or disabled: committed payments are not watched. */
  alerts?: OrgSettings["alerts"];
};

const LedgerShards = z.object({ ledgerShards: z.number().int().min(1).max(MAX_SHARDS).catch(1).default(1) });

/** The org's ledger shard count from its raw settings; anything but a valid count is 1 (today's layout). */
export function ledgerShardsOf(rawSettings: unknown): number {
  const parsed = LedgerShards.safeParse(rawSettings ?? {});
  return parsed.success ? parsed.data.ledgerShards : 1;
}

/** The ledger route of an org's calls for one agent, from the org's raw settings (services without a tenant). */
export function routeFor(rawSettings: unknown, agentId: string | null): LedgerRoute | undefined {
  const shards = ledgerShardsOf(rawSettings);
  return shards > 1 ? { shards, agentId } : undefined;
}

/** How this tenant's ledger calls are routed: undefined (one object, today's path) unless the org has shards. */
export function ledgerRoute(t: Pick<Tenant, "ledgerShards" | "agent">): LedgerRoute | undefined {
  return t.ledgerShards && t.ledgerShards > 1 ? { shards: t.ledgerShards, agentId: t.agent.id } : undefined;
}

/** The wallet Tollgate pays with for this agent; secrets stay sealed until a payment is made. */
export type TenantWallet = {
  id: string;
  name: string;
  active: boolean;
  caps: { currency: string; decimals: number; daily: string | null; total: string | null };
  methods: { id: string; kind: WalletMethodRow["kind"]; envelope: string }[];
};

export type TenantResult =
  | { ok: true; tenant: Tenant }
  | { ok: false; reason: "unauthorized" | "not_found" | "paused" | "oauth_required" };

/** Forgets everything cached about the org in this isolate: its keys, its state, each of its agents. */
export function invalidateOrg(orgId: string): void {
  orgCache.delete(orgId);
  keyCache.deleteWhere((row) => row?.orgId === orgId);
  const prefix = `${orgId}|`;
  agentCache.deleteWhere((_, k) => k.startsWith(prefix));
}

/** How the key arrived: in the URL path (`/<key>/mcp`) or in the Authorization header. */
export type KeyCarrier = "path" | "header";

export async function resolveTenant(
  env: Env,
  ctx: ExecutionContext,
  secret: string,
  agentName: string | null,
  now: number,
  carrier: KeyCarrier = "header",
): Promise<TenantResult> {
  const key = await liveKey(secret, (hash) => cachedKey(env, hash, now));
  if (!key || key.scope === "admin") return { ok: false, reason: "unauthorized" };
  if (touchDue(key, now)) {
    key.lastUsedAt = now;
    ctx.waitUntil(touchKey(db(env), key.id, now).catch(() => undefined));
  }
  const which: AgentSelector | null =
    key.scope === "agent"
      ? key.agentId === null
        ? null
        : { id: key.agentId }
      : agentName !== null
        ? { name: agentName }
        : { default: true };
  const [state, agentState] = await Promise.all([
    cachedOrg(env, key.orgId, now),
    which ? cachedAgent(env, key.orgId, which, now) : null,
  ]);
  if (!state) return { ok: false, reason: "unauthorized" };
  if (carrier === "path" && state.settings.requireOAuth) return { ok: false, reason: "oauth_required" };
  if (!agentState || (agentName !== null && agentState.agent.name !== agentName))
    return { ok: false, reason: "not_found" };
  return tenantOf(
    state,
    agentState,
    { keyId: key.id, keyScope: key.scope === "agent" ? "agent" : "org" },
    true,
  );
}

/**
 * The tenant an OAuth access token acts as: the org and agent the operator chose at consent (agentId
 * null: org-wide, the default agent as with an org key). `governance` is the token's governance scope.
 */
export async function resolveOAuthTenant(
  env: Env,
  grant: { orgId: string; agentId: string | null; grantId: string },
  governance: boolean,
  now: number,
): Promise<TenantResult> {
  const which: AgentSelector = grant.agentId === null ? { default: true } : { id: grant.agentId };
  const [state, agentState] = await Promise.all([
    cachedOrg(env, grant.orgId, now),
    cachedAgent(env, grant.orgId, which, now),
  ]);
  if (!state) return { ok: false, reason: "unauthorized" };
  // The agent the grant names is gone: the token is worth nothing (not "unknown agent").
  if (grant.agentId !== null && !agentState) return { ok: false, reason: "unauthorized" };
  if (!agentState) return { ok: false, reason: "not_found" };
  const keyScope = grant.agentId === null ? "org" : "agent";
  return tenantOf(state, agentState, { keyId: `oauth:${grant.grantId}`, keyScope }, governance);
}

function tenantOf(
  state: OrgState,
  agent: AgentState,
  cred: { keyId: string; keyScope: "org" | "agent" },
  governance: boolean,
): TenantResult {
  const a = agent.agent;
  if (a.status !== "active") return { ok: false, reason: "paused" };
  return { ok: true, tenant: tenantFields(state, agent, cred, governance) };
}

function tenantFields(
  state: OrgState,
  agent: AgentState,
  cred: { keyId: string; keyScope: "org" | "agent" },
  governance: boolean,
): Tenant {
  const a = agent.agent;
  return {
    orgId: state.org.id,
    keyId: cred.keyId,
    keyScope: cred.keyScope,
    agent: {
      id: a.id,
      name: a.name,
      description: a.description,
      governanceTools: a.governanceTools && governance,
    },
    mandate: agent.mandate,
    policy: state.policy,
    policyVersion: state.policyVersion,
    conversions: state.settings.conversions,
    ledgerShards: ledgerShardsOf(state.org.settings),
    upstreams: state.upstreams
      .filter((u) => u.agentIds === null || u.agentIds.includes(a.id))
      .map(({ agentIds: _, ...u }) => u),
    timeZone: state.org.timeZone,
    warningThreshold: state.settings.budgetWarningThreshold,
    alerts: state.settings.alerts,
    inlineApprovals: a.inlineApprovals ?? state.settings.inlineApprovals,
    payer:
      a.payMode === "tollgate-pays"
        ? { mode: "tollgate-pays", wallet: agent.wallet }
        : { mode: "agent-pays" },
  };
}

async function cachedKey(env: Env, hash: string, now: number): Promise<KeyRow | null> {
  const hit = keyCache.get(hash, now);
  if (hit !== undefined) return hit;
  const row = (await findKeyByHash(db(env), hash)) ?? null;
  keyCache.set(hash, row, now);
  return row;
}

async function cachedOrg(env: Env, orgId: string, now: number): Promise<OrgState | null> {
  const hit = orgCache.get(orgId, now);
  if (hit !== undefined) return hit;
  const state = await freshOrgState(env, orgId);
  orgCache.set(orgId, state, now);
  return state;
}

function agentCacheKey(orgId: string, which: AgentSelector): string {
  if ("id" in which) return `${orgId}|id:${which.id}`;
  return "name" in which ? `${orgId}|name:${which.name}` : `${orgId}|default`;
}

async function cachedAgent(env: Env, orgId: string, which: AgentSelector, now: number) {
  const cacheKey = agentCacheKey(orgId, which);
  const hit = agentCache.get(cacheKey, now);
  if (hit !== undefined) return hit;
  const state = await freshAgentState(env, orgId, which);
  agentCache.set(cacheKey, state, now);
  return state;
}

/**
 * Another agent of the caller's org by name (governance tools on org keys), through the same cache
 * as resolution: one indexed lookup on a miss, none on a hit.
 */
export function agentByName(env: Env, orgId: string, name: string, now: number): Promise<AgentState | null> {
  return cachedAgent(env, orgId, { name }, now);
}

/** The org-wide state read from D1 now (no cache): approval holds judge with what is current. */
export async function freshOrgState(env: Env, orgId: string): Promise<OrgState | null> {
  const config = await loadOrgConfig(db(env), orgId);
  return config && decodeOrg(config);
}

export async function freshAgentState(
  env: Env,
  orgId: string,
  which: AgentSelector,
): Promise<AgentState | null> {
  const config = await loadAgentConfig(db(env), orgId, which);
  return config && decodeAgent(config);
}

/** What the policy engine judges an agent's calls by (a deleted agent: the policy alone). */
export function rulesFor(state: OrgState, agent: AgentState | null): Rules {
  return { policy: state.policy, mandate: agent?.mandate ?? null, conversions: state.settings.conversions };
}

/** The wallet Tollgate pays with for this agent, or null when the agent pays for itself. */
export function payingWallet(agent: AgentState | null): TenantWallet | null {
  return agent?.agent.payMode === "tollgate-pays" ? agent.wallet : null;
}

export function decodeOrg(config: OrgConfig): OrgState {
  return {
    org: config.org,
    settings: orgSettings(config.org.settings),
    policy: config.policy ? storedPolicy(config.policy) : null,
    policyVersion: config.policy?.version ?? null,
    upstreams: config.upstreams.map((u) => ({
      id: u.id,
      namespace: u.namespace,
      url: u.url,
      headers: u.headers,
      toolPrices: u.toolPrices ?? {},
      toolPrefix: u.toolPrefix,
      agentIds: u.agentIds,
    })),
  };
}

export function decodeAgent(config: AgentConfig): AgentState {
  const { agent, mandate, wallet: w } = config;
  const wallet: TenantWallet | null = w
    ? {
        id: w.id,
        name: w.name,
        active: w.status === "active",
        caps: { currency: w.capCurrency, decimals: w.capDecimals, daily: w.capDaily, total: w.capTotal },
        methods: config.walletMethods.map((m) => ({ id: m.id, kind: m.kind, envelope: m.secret })),
      }
    : null;
  return { agent, mandate: mandate ? mandateFromRow(mandate, agent.name) : null, wallet };
}
