// Seeds the local demo once (idempotent): an org, an agent with a mandate, a policy from the Intercept
// examples, the demo paid upstream, and keys. Key secrets are shown once by the API, so they are kept
// in the git-ignored .tollgate-demo.json to print them again on later starts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { api, ROOT, readState, UPSTREAM_PORT, writeState } from "./lib.mjs";

export async function seedDemo(adminToken) {
  const existing = readState();
  if (existing) {
    try {
      await api("GET", `/orgs/${existing.orgId}`, adminToken);
      return existing;
    } catch {
      // The local database was reset: seed again.
    }
  }
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
  return state;
}
