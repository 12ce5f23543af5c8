// An org whose default agent is paid for by Tollgate: a wallet with payment methods created through the
// admin API, and the agent switched to tollgate-pays (shared by the payer-mode tests).
import { expect } from "vitest";
import { api } from "../admin/helpers";
import { attackOrg } from "../adversarial/helpers";

type Secret = { kind: "mpp-test"; token?: string } | { kind: "x402-evm" | "mpp-evm"; privateKey: string };

/** An org whose agent `main` is switched to tollgate-pays with a fresh wallet holding `secrets`. */
export async function payerOrg(opts: {
  path?: string;
  secrets: Secret[];
  caps?: { currency: string; daily?: string | null; total?: string | null };
  mandate?: Record<string, unknown>;
  policy?: string;
}) {
  const org = await attackOrg({
    path: opts.path ?? "/mcp",
    ...(opts.policy ? { policy: opts.policy } : {}),
    ...(opts.mandate ? { agents: [{ name: "main", isDefault: true, mandate: opts.mandate }] } : {}),
  });
  const caps = opts.caps ?? { currency: "pathUSD", daily: "3.00" };
  const created = await api("POST", `/orgs/${org.orgId}/wallets`, { body: { name: "ops", caps } });
  expect(created.status).toBe(201);
  const walletId: string = created.body.id;
  for (const secret of opts.secrets) {
    const added = await api("POST", `/orgs/${org.orgId}/wallets/${walletId}/methods`, { body: { secret } });
    expect(added.status).toBe(201);
  }
  const agentId = org.agentIds.main!;
  const patched = await api("PATCH", `/orgs/${org.orgId}/agents/${agentId}`, {
    body: { payMode: "tollgate-pays", walletId },
  });
  expect(patched.status).toBe(200);
  return { ...org, walletId };
}
