// Agents of an org: CRUD, one default at most, names unique per org.
import { and, eq, inArray, isNull, ne } from "drizzle-orm";
import { db, newId } from "../db/client";
import type { AgentRow } from "../db/queries/tenant";
import { agents, apiKeys, wallets } from "../db/schema";
import { AppError } from "../errors";
import { currentMandate } from "./mandates";
import { requireOwned } from "./owned";
import { afterCursor, idChunks, pageOf, pageOrder } from "./pages";
import type { AgentView, CreateAgentBody, MandateView, UpdateAgentBody } from "./schemas/agents";
import { invalidateOrg } from "./tenant";
import { fieldError } from "./validate";

export function agentView(row: AgentRow): AgentView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    status: row.status,
    isDefault: row.isDefault,
    governanceTools: row.governanceTools,
    inlineApprovals: row.inlineApprovals,
    payMode: row.payMode,
    walletId: row.walletId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function requireAgent(env: Env, orgId: string, agentId: string): Promise<AgentRow> {
  return requireOwned(env, agents, orgId, agentId, "Agent");
}

/** tollgate-pays needs a wallet of this org; a wallet id must name one. */
async function assertPayer(env: Env, orgId: string, mode: AgentRow["payMode"], walletId: string | null) {
  if (mode === "tollgate-pays" && walletId === null) {
    throw fieldError("walletId", "tollgate-pays needs a wallet: give walletId");
  }
  if (walletId !== null) await requireOwned(env, wallets, orgId, walletId, "Wallet");
}

async function assertNameFree(env: Env, orgId: string, name: string, exceptId: string | null): Promise<void> {
  const clash = await db(env)
    .select({ id: agents.id })
    .from(agents)
    .where(
      and(eq(agents.orgId, orgId), eq(agents.name, name), exceptId ? ne(agents.id, exceptId) : undefined),
    )
    .get();
  if (clash) throw new AppError("CONFLICT", `An agent named "${name}" already exists`);
}

function clearDefault(env: Env, orgId: string) {
  return db(env).update(agents).set({ isDefault: false }).where(eq(agents.orgId, orgId));
}

export async function createAgent(
  env: Env,
  orgId: string,
  input: CreateAgentBody,
  now: number,
): Promise<AgentView> {
  await assertNameFree(env, orgId, input.name, null);
  await assertPayer(env, orgId, input.payMode, input.walletId);
  const d = db(env);
  const id = newId("agt");
  const insert = d.insert(agents).values({ id, orgId, ...input, createdAt: now });
  await uniqueName(input.name, () =>
    input.isDefault ? d.batch([clearDefault(env, orgId), insert]) : insert.run(),
  );
  invalidateOrg(orgId);
  return agentView(await requireAgent(env, orgId, id));
}

/** One page of the org's agents, oldest first (index agents_org_time). */
export async function listAgents(
  env: Env,
  orgId: string,
  q: { cursor?: string | undefined; limit: number },
): Promise<{ data: AgentView[]; nextCursor: string | null }> {
  const rows = await db(env)
    .select()
    .from(agents)
    .where(and(eq(agents.orgId, orgId), afterCursor(agents, q.cursor, "asc")))
    .orderBy(...pageOrder(agents, "asc"))
    .limit(q.limit + 1)
    .all();
  const page = pageOf(rows, q.limit);
  return { data: page.rows.map(agentView), nextCursor: page.nextCursor };
}

/** The agents of the org among `ids` (what a page shows names for), by primary key; unknown ids are left out. */
export async function agentsByIds(env: Env, orgId: string, ids: Iterable<string>): Promise<AgentView[]> {
  const d = db(env);
  const [first, ...rest] = idChunks(ids).map((c) =>
    d
      .select()
      .from(agents)
      .where(and(eq(agents.orgId, orgId), inArray(agents.id, c))),
  );
  if (!first) return [];
  return (await d.batch([first, ...rest])).flat().map(agentView);
}

export async function getAgent(
  env: Env,
  orgId: string,
  agentId: string,
): Promise<AgentView & { mandate: MandateView | null }> {
  const row = await requireAgent(env, orgId, agentId);
  return { ...agentView(row), mandate: await currentMandate(env, orgId, agentId) };
}

export async function updateAgent(
  env: Env,
  orgId: string,
  agentId: string,
  input: UpdateAgentBody,
  now: number,
): Promise<AgentView> {
  const current = await requireAgent(env, orgId, agentId);
  if (input.name !== undefined) await assertNameFree(env, orgId, input.name, agentId);
  const walletId = input.walletId === undefined ? current.walletId : input.walletId;
  await assertPayer(env, orgId, input.payMode ?? current.payMode, walletId);
  const d = db(env);
  const update = d
    .update(agents)
    .set({ ...input, updatedAt: now })
    .where(and(eq(agents.orgId, orgId), eq(agents.id, agentId)));
  await uniqueName(input.name ?? "", () =>
    input.isDefault ? d.batch([clearDefault(env, orgId), update]) : update.run(),
  );
  invalidateOrg(orgId);
  return agentView(await requireAgent(env, orgId, agentId));
}

/** Deletes the agent and revokes its agent keys, so no key is left pointing at nothing. */
export async function deleteAgent(env: Env, orgId: string, agentId: string, now: number) {
  await requireAgent(env, orgId, agentId);
  const d = db(env);
  await d.batch([
    d
      .update(apiKeys)
      .set({ revokedAt: now })
      .where(and(eq(apiKeys.orgId, orgId), eq(apiKeys.agentId, agentId), isNull(apiKeys.revokedAt))),
    d.delete(agents).where(and(eq(agents.orgId, orgId), eq(agents.id, agentId))),
  ]);
  invalidateOrg(orgId);
  return { id: agentId, deleted: true as const };
}

// The pre-check answers the common case; the unique index settles a race between two writers.
async function uniqueName(name: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (err) {
    if (String((err as Error)?.message ?? err).includes("UNIQUE")) {
      throw new AppError("CONFLICT", `An agent named "${name}" already exists`);
    }
    throw err;
  }
}
