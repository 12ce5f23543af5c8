// The replay itself, without I/O: recorded calls in order, each judged by the draft rules at its own
// time with its recorded price, against budget counters rebuilt from the replayed calls before it
// (the ledger's windows, instanceFor). Counters start empty at the period's start.
import { instanceFor } from "../ledger/store";
import type { Decision } from "../policy";
import { type CallFacts, judge, type Rules } from "./judge";
import { moneyView } from "./money";
import type { ReplayCall, ReplayTotals } from "./schemas/replay";

/** One recorded call (a final row of D1 `transactions`). */
export type RecordedCall = {
  id: string;
  createdAt: number;
  agentId: string | null;
  sessionId: string | null;
  tool: string | null;
  vendor: string | null;
  amount: string | null;
  currency: string | null;
  decimals: number | null;
  committedAmount: string | null;
  decision: "allow" | "deny" | "require_approval";
  status: string;
  reasonCode: string | null;
  rules: unknown[];
};

type NewOutcome = { decision: Decision["action"]; reasonCode: string | null; rule: string | null };

/** Simulated counters: `key\0instance` -> used (committed) amount. */
type Counters = Map<string, bigint>;

function ruleOf(rules: unknown[]): string | null {
  const failed = rules.find(
    (r): r is { name: string; passed: boolean } =>
      typeof r === "object" && r !== null && "passed" in r && r.passed === false && "name" in r,
  );
  return failed && typeof failed.name === "string" ? failed.name : null;
}

/** The draft's answer for one call, and the lines it would charge if it went ahead. */
function decideOne(rules: Rules, orgId: string, call: RecordedCall, counters: Counters) {
  const price =
    call.amount !== null && call.currency !== null && call.decimals !== null
      ? { amount: BigInt(call.amount), currency: call.currency, decimals: call.decimals }
      : null;
  const facts: CallFacts = {
    orgId,
    agentId: call.agentId ?? "",
    sessionId: call.sessionId,
    tool: call.tool ?? "",
    vendor: call.vendor,
    price,
  };
  const d = judge(rules, facts, call.createdAt);
  if (d.action !== "allow") {
    const outcome: NewOutcome = {
      decision: d.action,
      reasonCode: d.denial?.code ?? (d.action === "require_approval" ? "approval_required" : null),
      rule: d.denial?.rule ?? null,
    };
    return { outcome, charges: [] };
  }
  const charges: { cell: string; amount: bigint }[] = [];
  for (const line of d.scopes) {
    if (line.window === "session" && !call.sessionId) continue;
    const inst = instanceFor({ ...line, window: line.window, sessionId: call.sessionId }, call.createdAt);
    const cell = `${line.key}\u0000${inst.instance}`;
    const amount = BigInt(line.amount);
    if (!line.soft && (counters.get(cell) ?? 0n) + amount > BigInt(line.limit)) {
      const outcome: NewOutcome = {
        decision: "deny",
        reasonCode: "budget_exceeded",
        rule: line.label || line.key,
      };
      return { outcome, charges: [] };
    }
    // A call recorded as allowed but never paid (released, expired) spends no money when replayed.
    const unpaid = line.kind === "money" && (call.status === "released" || call.status === "expired");
    charges.push({ cell, amount: unpaid ? 0n : amount });
  }
  return { outcome: { decision: "allow" as const, reasonCode: null, rule: null }, charges };
}

const charged = (call: RecordedCall, amount: string | null) =>
  amount !== null && call.currency !== null && call.decimals !== null
    ? moneyView(amount, call.currency, call.decimals)
    : null;

export function replayCall(rules: Rules, orgId: string, call: RecordedCall, counters: Counters): ReplayCall {
  const { outcome, charges } = decideOne(rules, orgId, call, counters);
  for (const c of charges) counters.set(c.cell, (counters.get(c.cell) ?? 0n) + c.amount);
  const oldCharged = call.status === "committed" ? (call.committedAmount ?? call.amount) : null;
  const paidWhenAllowed = call.status === "released" || call.status === "expired" ? null : call.amount;
  return {
    transactionId: call.id,
    at: call.createdAt,
    agentId: call.agentId,
    tool: call.tool,
    price: charged(call, call.amount),
    old: {
      decision: call.decision,
      status: call.status,
      reasonCode: call.reasonCode,
      rule: call.decision === "allow" ? null : ruleOf(call.rules),
      charged: charged(call, oldCharged),
    },
    new: {
      ...outcome,
      charged: outcome.decision === "allow" ? charged(call, oldCharged ?? paidWhenAllowed) : null,
    },
    changed: outcome.decision !== call.decision,
  };
}

type Acc = { t: ReplayTotals; prevented: Map<string, bigint>; allowed: Map<string, bigint> };

export function newAcc(): Acc {
  return {
    t: { calls: 0, changed: 0, allowToDeny: 0, denyToAllow: 0, toApproval: 0, prevented: [], allowed: [] },
    prevented: new Map(),
    allowed: new Map(),
  };
}

function add(m: Map<string, bigint>, unit: string, amount: string): void {
  m.set(unit, (m.get(unit) ?? 0n) + BigInt(amount));
}

export function tally(acc: Acc, r: ReplayCall): void {
  acc.t.calls += 1;
  if (!r.changed) return;
  acc.t.changed += 1;
  if (r.new.decision === "require_approval") acc.t.toApproval += 1;
  else if (r.old.decision === "allow") acc.t.allowToDeny += 1;
  else if (r.new.decision === "allow") acc.t.denyToAllow += 1;
  if (r.old.charged && r.new.decision !== "allow")
    add(acc.prevented, `${r.old.charged.currency}/${r.old.charged.decimals}`, r.old.charged.amount);
  if (r.new.charged && r.old.decision !== "allow")
    add(acc.allowed, `${r.new.charged.currency}/${r.new.charged.decimals}`, r.new.charged.amount);
}

export function totalsOf(acc: Acc): ReplayTotals {
  const views = (m: Map<string, bigint>) =>
    [...m.entries()].sort().map(([unit, v]) => {
      const [currency, decimals] = unit.split("/");
      return moneyView(v.toString(), currency ?? "", Number(decimals));
    });
  return { ...acc.t, prevented: views(acc.prevented), allowed: views(acc.allowed) };
}
