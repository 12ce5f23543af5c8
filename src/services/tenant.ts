// Resolves the API key in the URL (or bearer header) to the org, agent, policy, mandate and
// upstreams that serve this request. Cached per isolate so the hot path costs no D1 round trip;
// admin writes call invalidateOrg() and other isolates pick changes up within CACHE_TTL_MS.

import { z } from "zod";
import { db } from "../db/client";
import {
  findKeyByHash,
  type KeyRow,
  loadOrgConfig,
  type OrgConfig,
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
  /** Ledger shards of the org (`orgs.settings.ledgerShards`, docs/ledger-sharding.md); absent or 1: one object. */
  ledgerShards?: number;
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
  | { ok: false; reason: "unauthorized" | "not_found" | "paused" };

export function invalidateOrg(orgId: string): void {
  orgCache.delete(orgId);
  keyCache.deleteWhere((row) => row?.orgId === orgId);
}

export async function resolveTenant(
  env: Env,
  ctx: ExecutionContext,
  secret: string,
  agentName: string | null,
  now: number,
): Promise<TenantResult> {
  const key = await liveKey(secret, (hash) => cachedKey(env, hash, now));
  if (!key || key.scope === "admin") return { ok: false, reason: "unauthorized" };
  if (touchDue(key, now)) {
    key.lastUsedAt = now;
    ctx.waitUntil(touchKey(db(env), key.id, now).catch(() => undefined));
  }
  const state = await cachedOrg(env, key.orgId, now);
  if (!state) return { ok: false, reason: "unauthorized" };
  const { config, settings } = state;

  const agentRow =
    key.scope === "agent"
      ? config.agents.find((a) => a.id === key.agentId && (agentName === null || a.name === agentName))
      : agentName !== null
        ? config.agents.find((a) => a.name === agentName)
        : (config.agents.find((a) => a.isDefault) ??
          (config.agents.length === 1 ? config.agents[0] : undefined));
  if (!agentRow) return { ok: false, reason: "not_found" };
  if (agentRow.status !== "active") return { ok: false, reason: "paused" };

  return {
    ok: true,
    tenant: {
      orgId: config.org.id,
      keyId: key.id,
      keyScope: key.scope === "agent" ? "agent" : "org",
      agent: {
        id: agentRow.id,
        name: agentRow.name,
        description: agentRow.description,
        governanceTools: agentRow.governanceTools,
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
      ledgerShards: ledgerShardsOf(config.org.settings),
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
