// Resolves the API key in the URL (or bearer header), or an OAuth grant, to the org, agent, policy, mandate and
// upstreams that serve this request. Cached per isolate so the hot path costs no D1 round trip;
// admin writes call invalidateOrg() and other isolates pick changes up within CACHE_TTL_MS.
import { db } from "../db/client";
import {
  findKeyByHash,
  type KeyRow,
  loadOrgConfig,
  type OrgConfig,
  touchKey,
  type WalletMethodRow,
} from "../db/queries/tenant";
import type { ConversionTable } from "../money";
import type { CompiledPolicy, Mandate } from "../policy";
import { TtlCache } from "../ttl-cache";
import type { UpstreamTarget } from "../upstream/forward";
import type { Rules } from "./judge";
import { liveKey, touchDue } from "./key-auth";
import { mandateFromRow, type OrgSettings, orgSettings, storedPolicy } from "./stored";

export const CACHE_TTL_MS = 30_000;

const keyCache = new TtlCache<string, KeyRow | null>(CACHE_TTL_MS, 10_000);
const orgCache = new TtlCache<string, OrgState | null>(CACHE_TTL_MS, 1_000);

/** An org's configuration with its JSON columns decoded once, when the cache is filled. */
type OrgState = {
  config: OrgConfig;
  settings: OrgSettings;
  policy: CompiledPolicy | null;
  mandates: ReadonlyMap<string, Mandate>;
};

export type Tenant = {
  orgId: string;
  keyId: string;
  keyScope: "org" | "agent";
  agent: { id: string; name: string; description: string; governanceTools: boolean };
  /** All agents of the org (for tollgate_list_agents on org keys). */
  orgAgents: { id: string; name: string; description: string; status: string }[];
  mandate: Mandate | null;
  policy: CompiledPolicy | null;
  policyVersion: number | null;
  conversions: ConversionTable;
  upstreams: (UpstreamTarget & {
    toolPrices: Record<string, { amount: string; currency: string; decimals: number }>;
    /** Put before each tool name this upstream lists; null: names unchanged (see catalog.ts). */
    toolPrefix: string | null;
  })[];
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
};

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

export function invalidateOrg(orgId: string): void {
  orgCache.delete(orgId);
  keyCache.deleteWhere((row) => row?.orgId === orgId);
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
  const state = await cachedOrg(env, key.orgId, now);
  if (!state) return { ok: false, reason: "unauthorized" };
  if (carrier === "path" && state.settings.requireOAuth) return { ok: false, reason: "oauth_required" };
  const { config } = state;

  const agentRow =
    key.scope === "agent"
      ? config.agents.find((a) => a.id === key.agentId && (agentName === null || a.name === agentName))
      : pickAgent(config, agentName);
  return tenantOf(state, key.id, key.scope === "agent" ? "agent" : "org", agentRow, true);
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
  const state = await cachedOrg(env, grant.orgId, now);
  if (!state) return { ok: false, reason: "unauthorized" };
  const agentRow =
    grant.agentId === null
      ? pickAgent(state.config, null)
      : state.config.agents.find((a) => a.id === grant.agentId);
  // The agent the grant names is gone: the token is worth nothing (not "unknown agent").
  if (grant.agentId !== null && !agentRow) return { ok: false, reason: "unauthorized" };
  return tenantOf(
    state,
    `oauth:${grant.grantId}`,
    grant.agentId === null ? "org" : "agent",
    agentRow,
    governance,
  );
}

function pickAgent(config: OrgConfig, agentName: string | null) {
  return agentName !== null
    ? config.agents.find((a) => a.name === agentName)
    : (config.agents.find((a) => a.isDefault) ?? (config.agents.length === 1 ? config.agents[0] : undefined));
}

function tenantOf(
  state: OrgState,
  keyId: string,
  keyScope: "org" | "agent",
  agentRow: OrgConfig["agents"][number] | undefined,
  governance: boolean,
): TenantResult {
  const { config, settings } = state;
  if (!agentRow) return { ok: false, reason: "not_found" };
  if (agentRow.status !== "active") return { ok: false, reason: "paused" };

  return {
    ok: true,
    tenant: {
      orgId: config.org.id,
      keyId,
      keyScope,
      agent: {
        id: agentRow.id,
        name: agentRow.name,
        description: agentRow.description,
        governanceTools: agentRow.governanceTools && governance,
      },
      orgAgents: config.agents.map((a) => ({
        id: a.id,
        name: a.name,
        description: a.description,
        status: a.status,
      })),
      mandate: state.mandates.get(agentRow.id) ?? null,
      policy: state.policy,
      policyVersion: config.policy?.version ?? null,
      conversions: settings.conversions,
      upstreams: config.upstreams
        .filter((u) => u.agentIds === null || u.agentIds.includes(agentRow.id))
        .map((u) => ({
          id: u.id,
          namespace: u.namespace,
          url: u.url,
          headers: u.headers,
          toolPrices: u.toolPrices ?? {},
          toolPrefix: u.toolPrefix,
        })),
      timeZone: config.org.timeZone,
      warningThreshold: settings.budgetWarningThreshold,
      inlineApprovals: agentRow.inlineApprovals ?? settings.inlineApprovals,
      payer:
        agentRow.payMode === "tollgate-pays"
          ? { mode: "tollgate-pays", wallet: tenantWallet(config, agentRow.walletId) }
          : { mode: "agent-pays" },
    },
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
  const config = await loadOrgConfig(db(env), orgId);
  const state = config && decodeOrg(config);
  orgCache.set(orgId, state, now);
  return state;
}

/** The wallet Tollgate pays with for this agent, or null when the agent pays for itself. */
export function payingWallet(config: OrgConfig, agentId: string): TenantWallet | null {
  const agent = config.agents.find((a) => a.id === agentId);
  return agent?.payMode === "tollgate-pays" ? tenantWallet(config, agent.walletId) : null;
}

function tenantWallet(config: OrgConfig, walletId: string | null): TenantWallet | null {
  const w = config.wallets.find((row) => row.id === walletId);
  if (!w) return null;
  return {
    id: w.id,
    name: w.name,
    active: w.status === "active",
    caps: { currency: w.capCurrency, decimals: w.capDecimals, daily: w.capDaily, total: w.capTotal },
    methods: config.walletMethods
      .filter((m) => m.walletId === w.id)
      .map((m) => ({ id: m.id, kind: m.kind, envelope: m.secret })),
  };
}

/** What the policy engine judges an agent's calls by. */
export function rulesFor(state: OrgState, agentId: string): Rules {
  return {
    policy: state.policy,
    mandate: state.mandates.get(agentId) ?? null,
    conversions: state.settings.conversions,
  };
}

export function decodeOrg(config: OrgConfig): OrgState {
  const names = new Map(config.agents.map((a) => [a.id, a.name]));
  return {
    config,
    settings: orgSettings(config.org.settings),
    policy: config.policy ? storedPolicy(config.policy) : null,
    mandates: new Map(config.mandates.map((m) => [m.agentId, mandateFromRow(m, names.get(m.agentId))])),
  };
}
