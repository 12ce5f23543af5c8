// POST {org}/policies/replay: a draft policy against the org's recorded calls of a period, with the
// recorded prices, the current mandates (or the body's draft ones) and the org's conversions; counters rebuilt in call order
// (replay-engine.ts). Bounded: at most 31 days and MAX_REPLAY_CALLS calls; the call list pages.
import { and, asc, eq, gte, inArray, lt } from "drizzle-orm";
import { db } from "../db/client";
import type { MandateRow } from "../db/queries/tenant";
import { agents, transactions } from "../db/schema";
import { AppError } from "../errors";
import type { Mandate } from "../policy";
import { currentMandateRows, mandateColumns } from "./mandates";
import { requireOrg } from "./orgs";
import { compileOrThrow } from "./policies";
import { newAcc, type RecordedCall, replayCall, tally, totalsOf } from "./replay-engine";
import { MAX_REPLAY_CALLS, type ReplayBody, type ReplayCall, type ReplayView } from "./schemas/replay";
import { mandateFromRow, orgSettings } from "./stored";
import { notFound } from "./validate";

/** Agents per statement (D1 binds at most 100 values; the org id is one). */
const CHUNK = 90;

const FINAL = ["allowed", "committed", "released", "expired", "denied"] as const;

async function recordedCalls(env: Env, orgId: string, from: number, to: number): Promise<RecordedCall[]> {
  const rows = await db(env)
    .select()
    .from(transactions)
    .where(
      and(
        eq(transactions.orgId, orgId),
        gte(transactions.createdAt, from),
        lt(transactions.createdAt, to),
        inArray(transactions.status, [...FINAL]),
      ),
    )
    .orderBy(asc(transactions.createdAt), asc(transactions.id))
    .limit(MAX_REPLAY_CALLS + 1)
    .all();
  if (rows.length > MAX_REPLAY_CALLS)
    throw new AppError(
      "VALIDATION_FAILED",
      `The period holds more than ${MAX_REPLAY_CALLS} calls: narrow it`,
      [{ path: "to", message: `more than ${MAX_REPLAY_CALLS} recorded calls` }],
    );
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.createdAt,
    agentId: r.agentId,
    sessionId: r.sessionId,
    tool: r.tool,
    vendor: r.vendor,
    amount: r.amount,
    currency: r.currency,
    decimals: r.decimals,
    committedAmount: r.committedAmount,
    decision: r.decision,
    status: r.status,
    reasonCode: r.reasonCode,
    rules: Array.isArray(r.rules) ? r.rules : [],
  }));
}

type Drafts = NonNullable<ReplayBody["mandates"]>;

/**
 * The mandate each agent is judged with: its draft when the body has one (null: none), else its
 * current one. A draft is read as the gateway reads a stored mandate (the same columns, the same
 * decoding), and names an agent of this org.
 */
async function mandatesOf(
  env: Env,
  orgId: string,
  agentIds: string[],
  drafts: Drafts,
): Promise<Map<string, Mandate>> {
  const out = new Map<string, Mandate>();
  const drafted = new Map(drafts.map((d, i) => [d.agentId, { ...d, i }]));
  const ids = [...new Set([...agentIds, ...drafted.keys()])];
  if (ids.length === 0) return out;
  const named: { id: string; name: string }[] = [];
  const current = new Map<string, MandateRow>();
  // D1 binds at most 100 values per statement: agents a chunk at a time.
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    named.push(
      ...(await db(env)
        .select({ id: agents.id, name: agents.name })
        .from(agents)
        .where(and(eq(agents.orgId, orgId), inArray(agents.id, chunk)))
        .all()),
    );
    const undrafted = chunk.filter((id) => !drafted.has(id));
    for (const [id, row] of await currentMandateRows(env, orgId, undrafted)) current.set(id, row);
  }
  const known = new Set(named.map((a) => a.id));
  if (drafts.some((d) => !known.has(d.agentId))) throw notFound("Agent");
  for (const a of named) {
    const draft = drafted.get(a.id);
    const row = draft ? draftRow(orgId, draft) : (current.get(a.id) ?? null);
    if (row) out.set(a.id, mandateFromRow(row, a.name));
  }
  return out;
}

function draftRow(orgId: string, d: Drafts[number] & { i: number }): MandateRow | null {
  if (d.mandate === null) return null;
  const columns = mandateColumns(d.mandate, `mandates.${d.i}.mandate.`);
  return { id: "draft", orgId, agentId: d.agentId, version: 0, active: true, createdAt: 0, ...columns };
}

export async function replayPolicy(env: Env, orgId: string, body: ReplayBody): Promise<ReplayView> {
  const org = await requireOrg(env, orgId);
  const policy = compileOrThrow(body.source, body.format);
  const calls = await recordedCalls(env, orgId, body.from, body.to);
  const agentIds = [...new Set(calls.map((c) => c.agentId).filter((a): a is string => a !== null))];
  const mandates = await mandatesOf(env, orgId, agentIds, body.mandates ?? []);
  const conversions = orgSettings(org.settings).conversions;
  const counters = new Map<string, bigint>();
  const all = newAcc();
  const byAgent = new Map<string | null, ReturnType<typeof newAcc>>();
  const byTool = new Map<string | null, ReturnType<typeof newAcc>>();
  const listed: ReplayCall[] = [];
  let first: ReplayCall | null = null;
  let seen = 0;
  for (const call of calls) {
    const rules = {
      policy,
      mandate: call.agentId ? (mandates.get(call.agentId) ?? null) : null,
      conversions,
    };
    const r = replayCall(rules, orgId, call, counters);
    for (const [m, k] of [
      [byAgent, r.agentId],
      [byTool, r.tool],
    ] as const) {
      const acc = m.get(k) ?? newAcc();
      tally(acc, r);
      m.set(k, acc);
    }
    tally(all, r);
    if (r.changed && first === null) first = r;
    if (body.onlyChanged && !r.changed) continue;
    if (seen >= body.offset && listed.length < body.limit) listed.push(r);
    seen += 1;
  }
  return {
    period: { from: body.from, to: body.to },
    totals: totalsOf(all),
    byAgent: [...byAgent.entries()].map(([agentId, a]) => ({ agentId, ...totalsOf(a) })),
    byTool: [...byTool.entries()].map(([tool, a]) => ({ tool, ...totalsOf(a) })),
    firstDivergence: first,
    calls: listed,
    nextOffset: body.offset + listed.length < seen ? body.offset + listed.length : null,
    warnings: [
      "Arguments are not recorded: conditions on arguments are judged as if the call had none.",
      "Counters start empty at the period's start; holds and approvals are not replayed.",
    ],
  };
}
