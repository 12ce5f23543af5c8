// Seeds an org straight into D1 for gateway tests: org, agents, keys, mandate, policy, upstreams.
import { env } from "cloudflare:workers";
import { generateKey } from "../../src/auth/keys";
import { db, newId } from "../../src/db/client";
import { agents, apiKeys, mandates, orgs, policies, upstreams } from "../../src/db/schema";
import { compilePolicy } from "../../src/policy";
import { invalidateOrg } from "../../src/services/tenant";

export const PATH_USD = "0x20c0000000000000000000000000000000000000";

export type SeedOptions = {
  policy?: string;
  agents?: { name: string; isDefault?: boolean; mandate?: Partial<typeof mandates.$inferInsert> }[];
  upstreams?: {
    namespace: string;
    url: string;
    /** Default as migration 0002 left existing orgs: none for a lone upstream, `<namespace>__` for several. */
    toolPrefix?: string | null;
    headers?: Record<string, string>;
    toolPrices?: Record<string, { amount: string; currency: string; decimals: number }>;
  }[];
  conversions?: { from: string; to: string; rate: string }[];
  /** Org setting: ask approvals inline through the agent's own client (off by default). */
  inlineApprovals?: boolean;
};

export type Seeded = {
  orgId: string;
  orgKey: string;
  agentKeys: Record<string, string>;
  agentIds: Record<string, string>;
  url: (key: string, agent?: string) => string;
};

export async function seedOrg(opts: SeedOptions = {}): Promise<Seeded> {
  const d = db(env);
  const orgId = newId("org");
  await d
    .insert(orgs)
    .values({
      id: orgId,
      name: `Org ${orgId}`,
      settings: {
        conversions: opts.conversions ?? [],
        ...(opts.inlineApprovals ? { inlineApprovals: true } : {}),
      },
    })
    .run();
  const agentSpecs = opts.agents ?? [{ name: "main", isDefault: true }];
  const agentIds: Record<string, string> = {};
  const agentKeys: Record<string, string> = {};
  for (const spec of agentSpecs) {
    const id = newId("agt");
    agentIds[spec.name] = id;
    await d
      .insert(agents)
      .values({ id, orgId, name: spec.name, isDefault: spec.isDefault ?? false })
      .run();
    if (spec.mandate) {
      await d
        .insert(mandates)
        .values({
          id: newId("mdt"),
          orgId,
          agentId: id,
          version: 1,
          currency: "PATHUSD",
          decimals: 6,
          ...spec.mandate,
        })
        .run();
    }
    const key = await generateKey("agent");
    await d
      .insert(apiKeys)
      .values({ id: newId("key"), orgId, agentId: id, scope: "agent", prefix: key.prefix, hash: key.hash })
      .run();
    agentKeys[spec.name] = key.secret;
  }
  const orgKey = await generateKey("org");
  await d
    .insert(apiKeys)
    .values({ id: newId("key"), orgId, scope: "org", prefix: orgKey.prefix, hash: orgKey.hash })
    .run();
  if (opts.policy) {
    const compiled = compilePolicy(opts.policy);
    if (!compiled.ok) throw new Error(`test policy does not compile: ${JSON.stringify(compiled.errors)}`);
    await d
      .insert(policies)
      .values({
        id: newId("pol"),
        orgId,
        version: 1,
        source: opts.policy,
        parsed: compiled.policy,
        active: true,
      })
      .run();
  }
  const specs = opts.upstreams ?? [{ namespace: "paid", url: "https://paid.example/mcp" }];
  for (const u of specs) {
    await d
      .insert(upstreams)
      .values({
        id: newId("ups"),
        orgId,
        namespace: u.namespace,
        toolPrefix: u.toolPrefix !== undefined ? u.toolPrefix : specs.length > 1 ? `${u.namespace}__` : null,
        url: u.url,
        headers: u.headers ?? {},
        toolPrices: u.toolPrices ?? null,
      })
      .run();
  }
  invalidateOrg(orgId);
  return {
    orgId,
    orgKey: orgKey.secret,
    agentKeys,
    agentIds,
    url: (key, agent) =>
      agent ? `https://gw.test/${key}/agents/${agent}/mcp` : `https://gw.test/${key}/mcp`,
  };
}
