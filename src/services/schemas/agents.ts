// Agent and mandate shapes. Mandate money comes in as major units ("50.00") and goes out as base units.
import { z } from "zod";
import { MandateSchema } from "../../policy";
import { Currency, Decimals, MajorAmount, MoneyView } from "../money";
import { EpochMs, TimeZone } from "./common";

export const AgentName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-_]{0,62}$/,
    "lowercase letters, digits, - and _ (max 63), starting with a letter or digit",
  );

const agentFields = {
  name: AgentName,
  description: z.string().max(2000),
  status: z.enum(["active", "paused"]),
  isDefault: z.boolean(),
  governanceTools: z.boolean(),
  inlineApprovals: z
    .boolean()
    .nullable()
    .describe("ask approvals inline through the agent's own client; null: the org's setting"),
  payMode: z
    .enum(["agent-pays", "tollgate-pays"])
    .describe("agent-pays: challenges reach the agent; tollgate-pays: Tollgate pays with the agent's wallet"),
  walletId: z.string().min(1).max(64).nullable().describe("the org wallet used in tollgate-pays mode"),
};

export const CreateAgentBody = z.strictObject({
  name: agentFields.name,
  description: agentFields.description.default(""),
  status: agentFields.status.default("active"),
  isDefault: agentFields.isDefault.default(false),
  governanceTools: agentFields.governanceTools.default(true),
  inlineApprovals: agentFields.inlineApprovals.default(null),
  payMode: agentFields.payMode.default("agent-pays"),
  walletId: agentFields.walletId.default(null),
});
export type CreateAgentBody = z.infer<typeof CreateAgentBody>;

export const UpdateAgentBody = z.strictObject({
  name: agentFields.name.optional(),
  description: agentFields.description.optional(),
  status: agentFields.status.optional(),
  isDefault: agentFields.isDefault.optional(),
  governanceTools: agentFields.governanceTools.optional(),
  inlineApprovals: agentFields.inlineApprovals.optional(),
  payMode: agentFields.payMode.optional(),
  walletId: agentFields.walletId.optional(),
});
export type UpdateAgentBody = z.infer<typeof UpdateAgentBody>;

const StringList = z.array(z.string().min(1).max(500)).max(500);

export const PutMandateBody = z.strictObject({
  currency: Currency,
  decimals: Decimals.optional().describe("default: the currency's minor units"),
  timeZone: TimeZone.default("UTC"),
  budgets: z
    .strictObject({
      daily: MajorAmount.optional(),
      weekly: MajorAmount.optional(),
      monthly: MajorAmount.optional(),
      total: MajorAmount.optional(),
    })
    .default({}),
  perTransactionLimit: MajorAmount.optional(),
  approvalThreshold: MajorAmount.optional(),
  vendorAllow: StringList.optional(),
  vendorDeny: StringList.optional(),
  categories: StringList.optional(),
  // The engine's own shapes: { days: [0-6], start: "09:00", end: "17:00" } and { count, window }.
  timeWindows: MandateSchema.shape.timeWindows,
  rateLimits: MandateSchema.shape.rateLimits,
  active: z.boolean().default(true),
});
export type PutMandateBody = z.infer<typeof PutMandateBody>;

export const MandateView = z.object({
  id: z.string(),
  agentId: z.string(),
  version: z.number().int(),
  active: z.boolean(),
  currency: z.string(),
  decimals: z.number().int(),
  timeZone: z.string(),
  budgets: z.object({
    daily: MoneyView.nullable(),
    weekly: MoneyView.nullable(),
    monthly: MoneyView.nullable(),
    total: MoneyView.nullable(),
  }),
  perTransactionLimit: MoneyView.nullable(),
  approvalThreshold: MoneyView.nullable(),
  vendorAllow: z.array(z.string()).nullable(),
  vendorDeny: z.array(z.string()).nullable(),
  categories: z.array(z.string()).nullable(),
  timeWindows: z.array(z.unknown()).nullable(),
  rateLimits: z.array(z.unknown()).nullable(),
  createdAt: EpochMs,
});
export type MandateView = z.infer<typeof MandateView>;

export const AgentView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  status: z.enum(["active", "paused"]),
  isDefault: z.boolean(),
  governanceTools: z.boolean(),
  inlineApprovals: agentFields.inlineApprovals,
  payMode: agentFields.payMode,
  walletId: agentFields.walletId,
  createdAt: EpochMs,
  updatedAt: EpochMs.nullable(),
});
export type AgentView = z.infer<typeof AgentView>;

export const AgentWithMandateView = AgentView.extend({ mandate: MandateView.nullable() });
