// Seeds the local demo once (idempotent): an org, an agent with a mandate, a policy from the Intercept
// examples, the demo paid upstream, and keys; then a demo wallet (the test payment method, capped) and a
// second agent, demo-payer, that Tollgate pays for (tollgate-pays). Key secrets are shown once by the
// API, so they are kept in the git-ignored .tollgate-demo.json to print them again on later starts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { api, ROOT, readState, UPSTREAM_PORT, writeState } from "./lib.mjs";

export const PAYER_AGENT = "demo-payer";
const WALLET = "demo-wallet";

export async function seedDemo(adminToken) {
  const existing = readState();
  if (existing && (await orgExists(existing.orgId, adminToken))) return seedPayer(existing);
  const created = await api("POST", "/orgs", adminToken, { name: "Demo Org", timeZone: "UTC" });
  const orgId = created.org.id;
  const adminKey = created.key.secret;
  const agent = await api("POST", `/orgs/${orgId}/agents`, adminKey, {
    name: "demo-agent",
    description: "The demo agent: researches topics and generates images with paid tools.",
    isDefault: true,
  });
  await api("PUT", `/orgs/${orgId}/agents/${agent.id}/mandate`, adminKey, {
    currency: "PATHUSD",
    timeZone: "UTC",
    budgets: { daily: "10.00", monthly: "100.00" },
    perTransactionLimit: "5.00",
  });
  const policy = readFileSync(join(ROOT, "demo/policy.yaml"), "utf8");
  await api("POST", `/orgs/${orgId}/policies`, adminKey, { source: policy, format: "yaml", activate: true });
  await api("POST", `/orgs/${orgId}/upstreams`, adminKey, {
    namespace: "demo",
    url: `http://127.0.0.1:${UPSTREAM_PORT}/mcp`,
  });
  const agentKey = await api("POST", `/orgs/${orgId}/keys`, adminKey, {
    scope: "agent",
    agentId: agent.id,
    name: "demo agent key",
  });
  const orgKey = await api("POST", `/orgs/${orgId}/keys`, adminKey, { scope: "org", name: "demo org key" });
  const state = { orgId, agentId: agent.id, adminKey, agentKey: agentKey.secret, orgKey: orgKey.secret };
  writeState(state);
  return seedPayer(state);
}

async function orgExists(orgId, adminToken) {
  try {
    await api("GET", `/orgs/${orgId}`, adminToken);
    return true;
  } catch {
    return false; // The local database was reset: seed again.
  }
}

/**
 * The tollgate-pays half (also added to a demo seeded before wallets existed): a wallet holding the
 * demo upstream's test payment method, capped at 5.00 pathUSD a day, and the agent demo-payer paying
 * with it, with its own key. Its client needs no wallet at all.
 */
async function seedPayer(state) {
  if (state.payerKey) return state;
  const { orgId, adminKey } = state;
  const wallets = await api("GET", `/orgs/${orgId}/wallets`, adminKey);
  let wallet = wallets.data.find((w) => w.name === WALLET);
  if (!wallet) {
    wallet = await api("POST", `/orgs/${orgId}/wallets`, adminKey, {
      name: WALLET,
      caps: { currency: "pathUSD", daily: "5.00", total: "50.00" },
    });
  }
  if (wallet.methods.length === 0) {
    await api("POST", `/orgs/${orgId}/wallets/${wallet.id}/methods`, adminKey, {
      secret: { kind: "mpp-test" },
    });
  }
  const agents = await api("GET", `/orgs/${orgId}/agents`, adminKey);
  let payer = agents.data.find((a) => a.name === PAYER_AGENT);
  if (!payer) {
    payer = await api("POST", `/orgs/${orgId}/agents`, adminKey, {
      name: PAYER_AGENT,
      description: "A demo agent with no wallet of its own: Tollgate pays its paid tools from demo-wallet.",
    });
  }
  await api("PUT", `/orgs/${orgId}/agents/${payer.id}/mandate`, adminKey, {
    currency: "PATHUSD",
    timeZone: "UTC",
    budgets: { daily: "10.00" },
    perTransactionLimit: "5.00",
  });
  await api("PATCH", `/orgs/${orgId}/agents/${payer.id}`, adminKey, {
    payMode: "tollgate-pays",
    walletId: wallet.id,
  });
  const payerKey = await api("POST", `/orgs/${orgId}/keys`, adminKey, {
    scope: "agent",
    agentId: payer.id,
    name: "demo-payer key",
  });
  const next = { ...state, walletId: wallet.id, payerAgentId: payer.id, payerKey: payerKey.secret };
  writeState(next);
  return next;
}
