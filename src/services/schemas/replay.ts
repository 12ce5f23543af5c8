// Policy replay: a draft policy against the org's recorded calls of a period (POST {org}/policies/replay).
import { z } from "zod";
import { MoneyView } from "../money";
import { PutMandateBody } from "./agents";
import { EpochMs, TimeParam } from "./common";

/** The longest period one replay covers, and the most recorded calls it reads. */
export const MAX_REPLAY_MS = 31 * 86_400_000;
export const MAX_REPLAY_CALLS = 20_000;
/** The most draft mandates one replay takes (one per agent). */
export const MAX_DRAFT_MANDATES = 100;

/** A draft mandate for one agent: the body PUT {org}/agents/{agentId}/mandate takes, or null for none. */
export const DraftMandate = z.strictObject({
  agentId: z.string().min(1).max(64),
  mandate: PutMandateBody.nullable().describe("replaces the agent's current mandate; null: no mandate"),
});

export const ReplayBody = z
  .strictObject({
    source: z
      .string()
      .min(1)
      .max(512 * 1024),
    format: z.enum(["yaml", "json"]).optional(),
    from: z.union([EpochMs, TimeParam]).describe("inclusive start of the period (epoch ms or ISO 8601)"),
    to: z.union([EpochMs, TimeParam]).describe("exclusive end, at most 31 days after from"),
    mandates: z
      .array(DraftMandate)
      .max(MAX_DRAFT_MANDATES)
      .optional()
      .describe("draft mandates, judged in place of those agents' current ones (others keep theirs)"),
    onlyChanged: z.boolean().default(false).describe("list only calls whose decision flips"),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .refine((b) => b.to > b.from && b.to - b.from <= MAX_REPLAY_MS, {
    message: "to must be after from, at most 31 days later",
    path: ["to"],
  })
  .refine((b) => new Set(b.mandates?.map((m) => m.agentId)).size === (b.mandates?.length ?? 0), {
    message: "one draft mandate per agent",
    path: ["mandates"],
  });
export type ReplayBody = z.infer<typeof ReplayBody>;

const Outcome = z.object({
  decision: z.enum(["allow", "deny", "require_approval"]),
  reasonCode: z.string().nullable(),
  rule: z.string().nullable(),
});

export const ReplayCall = z.object({
  transactionId: z.string(),
  at: EpochMs,
  agentId: z.string().nullable(),
  tool: z.string().nullable(),
  price: MoneyView.nullable(),
  /** What was recorded (decision, and the status it ended in as reasonCode's neighbour). */
  old: Outcome.extend({ status: z.string(), charged: MoneyView.nullable() }),
  new: Outcome.extend({ charged: MoneyView.nullable() }),
  changed: z.boolean(),
});
export type ReplayCall = z.infer<typeof ReplayCall>;

const Totals = z.object({
  calls: z.number().int(),
  changed: z.number().int(),
  allowToDeny: z.number().int(),
  denyToAllow: z.number().int(),
  toApproval: z.number().int(),
  prevented: z.array(MoneyView).describe("spend recorded that the draft would have refused, per currency"),
  allowed: z
    .array(MoneyView)
    .describe("spend the draft would have let through that was refused, per currency"),
});
export type ReplayTotals = z.infer<typeof Totals>;

export const ReplayView = z.object({
  period: z.object({ from: EpochMs, to: EpochMs }),
  totals: Totals,
  byAgent: z.array(Totals.extend({ agentId: z.string().nullable() })),
  byTool: z.array(Totals.extend({ tool: z.string().nullable() })),
  firstDivergence: ReplayCall.nullable(),
  calls: z.array(ReplayCall),
  /** Calls listed are [offset, offset + limit) of the (changed, with onlyChanged) calls; null at the end. */
  nextOffset: z.number().int().nullable(),
  warnings: z.array(z.string()),
});
export type ReplayView = z.infer<typeof ReplayView>;
