// What each tollgate_* tool does. Reads go through the same services as the admin API; spend checks
// use the same policy engine and ledger as the tools/call path.
import type { z } from "zod";
import { newId } from "../../db/client";
import { ledger } from "../../ledger/client";
import { currencyDecimals, formatAmount, normalizeCurrency, parseNonNegativeDecimal } from "../../money";
import { parseMoneyUnit } from "../../policy";
import { requireApproval } from "../../services/approvals";
import type { GovernanceToolName, INPUTS } from "../../services/governance-tools";
import { judge as judgeCall } from "../../services/judge";
import { ledgerRoute } from "../../services/tenant";
import { listTransactions } from "../../services/transactions";
import { txRecord } from "../call-record";
import type { GatewayCtx } from "../context";
import { reserveLines } from "../ledger-calls";
import { budgetsOf, listAgentsPage, mandateBrief, targetAgent } from "./agents";
import { fail, ok } from "./results";

/** What an agent is told when the ledger cannot answer: nothing was settled, try again. */
const LEDGER_DOWN = "The budget ledger is unavailable; nothing was settled. Try again.";

type In<N extends GovernanceToolName> = z.infer<(typeof INPUTS)[N]>;
type Price = { amount: bigint; currency: string; decimals: number };

function priceOf(amount: string, currency: string): Price | string {
  const code = normalizeCurrency(currency);
  const decimals = currencyDecimals(code);
  if (decimals === null) return `Unknown currency "${currency}".`;
  const parsed = parseNonNegativeDecimal(amount, decimals);
  if (!parsed.ok) return `Invalid amount "${amount}": ${parsed.error}`;
  return { amount: parsed.value, currency: code, decimals };
}

const show = (p: Price) => `${formatAmount(p.amount, p.decimals)} ${p.currency}`;

/** Policy + mandate + current balances for a hypothetical spend; reserves nothing. */
async function judge(g: GatewayCtx, input: In<"tollgate_evaluate">) {
  const agent = await targetAgent(g, input.agent);
  if (!agent) return { error: `Unknown agent "${input.agent}".` } as const;
  const price = priceOf(input.amount, input.currency);
  if (typeof price === "string") return { error: price } as const;
  const now = Date.now();
  const decision = judgeCall(
    { ...g.tenant, mandate: agent.mandate },
    {
      orgId: g.tenant.orgId,
      agentId: agent.id,
      sessionId: g.session?.n ?? null,
      tool: input.tool ?? "tollgate_evaluate",
      price,
      vendor: input.vendor ?? null,
      category: input.category ?? null,
    },
    now,
  );
  const money = decision.scopes.filter((l) => l.kind === "money");
  const balances = money.length
    ? await ledger(g.env, g.tenant.orgId, ledgerRoute(g.tenant)).balances({
        lines: money.map((l) => ({
          ...l,
          sessionId: l.window === "session" ? (g.session?.n ?? "_nosession") : null,
        })),
        now,
      })
    : ({ ok: true, value: [] } as const);
  if (!balances.ok) throw new Error("ledger unavailable");
  const budgetChecks = money.map((l) => {
    const b = balances.value.find((x) => x.key === l.key);
    const remaining = b ? BigInt(b.remaining) : BigInt(l.limit);
    return {
      scope: l.label,
      needs: l.amount,
      remaining: remaining.toString(),
      fits: BigInt(l.amount) <= remaining,
    };
  });
  const short = budgetChecks.find((c) => !c.fits);
  const action = decision.action === "allow" && short ? "deny" : decision.action;
  const reason =
    decision.action !== "allow"
      ? (decision.denial?.message ?? "refused by policy")
      : short
        ? `not enough budget left in "${short.scope}"`
        : "within policy and budget";
  return { agent, price, action, reason, decision, budgetChecks } as const;
}

/** tollgate_fetch is answered by fetch.ts: it needs the request (its id, its denials) and may pay. */
export const HANDLERS: {
  [N in Exclude<GovernanceToolName, "tollgate_fetch">]: (g: GatewayCtx, input: In<N>) => Promise<unknown>;
} = {
  tollgate_list_agents: listAgentsPage,

  async tollgate_check_budget(g, input) {
    const agent = await targetAgent(g, input.agent);
    if (!agent) return fail(`Unknown agent "${input.agent}".`);
    const budgets = await budgetsOf(g, agent);
    const lines = budgets.map(
      (b) =>
        `- ${b.scope}: ${b.display ?? `${b.remaining} of ${b.limit}`} left${b.nextReset ? `, resets ${b.nextReset}` : ""}`,
    );
    const brief = mandateBrief(agent);
    const text = `Budgets of agent "${agent.name}":\n${lines.join("\n") || "- no budgets configured"}${brief?.perTransactionLimit ? `\nPer-transaction limit: ${brief.perTransactionLimit}` : ""}`;
    return ok(text, { agent: agent.name, budgets, perTransactionLimit: brief?.perTransactionLimit ?? null });
  },

  async tollgate_evaluate(g, input) {
    const r = await judge(g, input);
    if ("error" in r) return fail(r.error as string);
    const approved = r.action === "allow";
    return ok(
      `${approved ? "APPROVED" : r.action === "require_approval" ? "NEEDS APPROVAL" : "REJECTED"}: ${show(r.price)} - ${r.reason}.`,
      {
        approved,
        action: r.action,
        reason: r.reason,
        amount: { amount: r.price.amount.toString(), currency: r.price.currency, decimals: r.price.decimals },
        rules: r.decision.rules,
        budgets: r.budgetChecks,
      },
    );
  },

  async tollgate_can_spend(g, input) {
    const r = await judge(g, input);
    if ("error" in r) return fail(r.error as string);
    const sentence =
      r.action === "allow"
        ? `Yes, I can spend ${show(r.price)}${input.vendor ? ` with ${input.vendor}` : ""}: it is ${r.reason}.`
        : r.action === "require_approval"
          ? `I can spend ${show(r.price)} only after a human approves it: ${r.reason}.`
          : `No, I cannot spend ${show(r.price)}: ${r.reason}.`;
    return ok(sentence, { canSpend: r.action === "allow", action: r.action, answer: sentence });
  },

  async tollgate_transactions(g, input) {
    const page = await listTransactions(g.env, g.tenant.orgId, {
      agentId: g.tenant.agent.id,
      limit: input.limit,
      ...(input.status ? { status: input.status } : {}),
      ...(input.tool ? { tool: input.tool } : {}),
    });
    const rows = page.data.map((t) => ({
      id: t.id,
      tool: t.tool,
      status: t.status,
      decision: t.decision,
      price: t.price?.display ?? null,
      reason: t.reason,
      at: new Date(t.createdAt).toISOString(),
    }));
    const text = rows
      .map(
        (t) =>
          `- ${t.at} ${t.tool ?? ""} ${t.status}${t.price ? ` ${t.price}` : ""}${t.reason ? `: ${t.reason}` : ""}`,
      )
      .join("\n");
    return ok(text || "No transactions yet.", { transactions: rows });
  },

  async tollgate_reserve(g, input) {
    const r = await judge(g, {
      amount: input.amount,
      currency: input.currency,
      vendor: input.vendor,
      tool: "tollgate_reserve",
    });
    if ("error" in r) return fail(r.error as string);
    if (r.decision.action !== "allow")
      return fail(`Not reserved: ${r.reason}.`, { reserved: false, reason: r.reason });
    // Cooperative reservations carry the agent id, so one agent can never settle another's.
    const id = `coop_${g.tenant.agent.id}_${newId("r")}`;
    const call = {
      txId: id,
      method: "tools/call",
      tool: "tollgate_reserve",
      upstreamId: "",
      args: { purpose: input.purpose ?? null },
      argsHash: "",
    };
    const hold = await reserveLines(g, {
      txId: id,
      lines: r.decision.scopes.filter((l) => l.kind === "money"),
      ttlMs: input.ttlSeconds * 1000,
      price: r.price,
      tx: {
        ...txRecord(g, call, { kind: "cooperative", decision: "allow", status: "reserved" }, r.decision),
        upstreamId: null,
        amount: r.price.amount.toString(),
        currency: r.price.currency,
        decimals: r.price.decimals,
        vendor: input.vendor ?? null,
      },
    });
    if (!hold.ok)
      return fail(`Not reserved: ${hold.denial.message}`, { reserved: false, reason: hold.denial.reason });
    return ok(
      `Reserved ${show(r.price)} until ${new Date(hold.expiresAt).toISOString()}. Reservation id: ${id}`,
      {
        reserved: true,
        reservationId: id,
        expiresAt: new Date(hold.expiresAt).toISOString(),
      },
    );
  },

  async tollgate_commit(g, input) {
    if (!input.reservationId.startsWith(`coop_${g.tenant.agent.id}_`)) return fail("Unknown reservation id.");
    const book = ledger(g.env, g.tenant.orgId, ledgerRoute(g.tenant));
    const now = Date.now();
    let actualAmounts: Record<string, string> | undefined;
    if (input.actualAmount !== undefined) {
      const read = await book.getReservation({ reservationId: input.reservationId });
      if (!read.ok) return fail(LEDGER_DOWN, { reason: "ledger_unavailable" });
      const view = read.value;
      if (!view || !("lines" in view)) return fail("Unknown reservation id.");
      actualAmounts = {};
      for (const line of view.lines) {
        const unit = line.kind === "money" ? parseMoneyUnit(line.unit) : null;
        if (!unit) continue;
        const parsed = parseNonNegativeDecimal(input.actualAmount, unit.decimals);
        if (!parsed.ok) return fail(`Invalid actualAmount: ${parsed.error}`);
        actualAmounts[line.key] = parsed.value.toString();
      }
    }
    const done = await book.commit({
      reservationId: input.reservationId,
      now,
      ...(actualAmounts ? { actualAmounts } : {}),
    });
    if (!done.ok) return fail(LEDGER_DOWN, { reason: "ledger_unavailable" });
    const r = done.value;
    if (!r.ok) return fail(`Not committed: ${r.reason}.`, { committed: false, reason: r.reason });
    return ok("Committed.", { committed: true });
  },

  async tollgate_release(g, input) {
    if (!input.reservationId.startsWith(`coop_${g.tenant.agent.id}_`)) return fail("Unknown reservation id.");
    const done = await ledger(g.env, g.tenant.orgId, ledgerRoute(g.tenant)).release({
      reservationId: input.reservationId,
      reason: input.reason ?? "released by agent",
      now: Date.now(),
    });
    if (!done.ok) return fail(LEDGER_DOWN, { reason: "ledger_unavailable" });
    const r = done.value;
    if (!r.ok) return fail(`Not released: ${r.reason}.`, { released: false, reason: r.reason });
    return ok("Released.", { released: true });
  },

  async tollgate_approval_status(g, input) {
    const row = await requireApproval(g.env, g.tenant.orgId, input.approvalId).catch(() => null);
    if (!row || (g.tenant.keyScope === "agent" && row.agentId !== g.tenant.agent.id))
      return fail("Unknown approval id.");
    const status = row.status === "pending" && Date.now() >= row.expiresAt ? "expired" : row.status;
    const next =
      status === "approved"
        ? "Retry the exact same tool call now; it will go through once."
        : status === "pending"
          ? "Still waiting for a human; check again later."
          : status === "consumed"
            ? "Already used by a retried call."
            : "It was not approved; do not retry unchanged.";
    return ok(`Approval ${row.id} is ${status}. ${next}${row.note ? ` Note: ${row.note}` : ""}`, {
      approvalId: row.id,
      status,
      tool: row.tool,
      expiresAt: new Date(row.expiresAt).toISOString(),
      note: row.note,
    });
  },
};
