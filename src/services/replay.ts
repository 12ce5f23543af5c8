// POST {org}/policies/replay: a draft policy against the org's recorded calls of a period, with the
// recorded prices, the current mandates and the org's conversions; counters rebuilt in call order
// (replay-engine.ts). Bounded: at most 31 days and MAX_REPLAY_CALLS calls; the call list pages.
import { and, asc, eq, gte, inArray, lt } from "drizzle-orm";
import { db } from "../db/client";
import { agents, transactions } from "../db/schema";
import { AppError } from "../errors";
import type { Mandate } from "../policy";
import { currentMandateRow } from "./mandates";
import { requireOrg } from "./orgs";
import { compileOrThrow } from "./policies";
import { newAcc, type RecordedCall, replayCall, tally, totalsOf } from "./replay-engine";
import { MAX_REPLAY_CALLS, type ReplayBody, type ReplayCall, type ReplayView } from "./schemas/replay";
import { mandateFromRow, orgSettings } from "./stored";

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

async function mandatesOf(env: Env, orgId: string, agentIds: string[]): Promise<Map<string, Mandate>> {
  const out = new Map<string, Mandate>();
  if (agentIds.length === 0) return out;
  const named = await db(env)
    .select({ id: agents.id, name: agents.name })
    .from(agents)
    .where(and(eq(agents.orgId, orgId), inArray(agents.id, agentIds)))
    .all();
  for (const a of named) {
    const row = await currentMandateRow(env, orgId, a.id);
    if (row) out.set(a.id, mandateFromRow(row, a.name));
  }
  return out;
}

export async function replayPolicy(env: Env, orgId: string, body: ReplayBody): Promise<ReplayView> {
  const org = await requireOrg(env, orgId);
  const policy = compileOrThrow(body.source, body.format);
  const calls = await recordedCalls(env, orgId, body.from, body.to);
  const agentIds = [...new Set(calls.map((c) => c.agentId).filter((a): a is string => a !== null))];
  const mandates = await mandatesOf(env, orgId, agentIds);
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
