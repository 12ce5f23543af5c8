// Policy document shapes: upload (YAML or JSON text), versions, and the dry-run evaluation request.
import { z } from "zod";
import { BaseUnits } from "../../ledger/types";
import { Currency, Decimals } from "../money";
import { EpochMs } from "./common";

export const CreatePolicyBody = z.strictObject({
  source: z
    .string()
    .min(1)
    .max(512 * 1024),
  format: z.enum(["yaml", "json"]).optional().describe("default: detected from the text"),
  activate: z.boolean().default(false),
});
export type CreatePolicyBody = z.infer<typeof CreatePolicyBody>;

export const PolicySummaryView = z.object({
  id: z.string(),
  version: z.number().int(),
  mode: z.enum(["enforce", "shadow"]),
  active: z.boolean(),
  createdAt: EpochMs,
});
export type PolicySummaryView = z.infer<typeof PolicySummaryView>;

export const PolicyView = PolicySummaryView.extend({
  source: z.string(),
  compiled: z.unknown().describe("the compiled policy the gateway evaluates"),
});
export type PolicyView = z.infer<typeof PolicyView>;

export const PolicyWarning = z.object({
  path: z.string().describe('e.g. tools.generate_image or hide[0]; "" for the whole document'),
  line: z.number().int().nullable(),
  column: z.number().int().nullable(),
  message: z.string(),
});
export type PolicyWarning = z.infer<typeof PolicyWarning>;
const Warnings = z
  .array(PolicyWarning)
  .describe(
    "tool keys and hide entries that match no tool in the org's current catalogue (upstream tools as agents see them, plus tollgate_*); the policy is stored anyway",
  );

export const CreatedPolicyView = PolicyView.extend({ warnings: Warnings });
export type CreatedPolicyView = z.infer<typeof CreatedPolicyView>;

export const EvaluateBody = z
  .strictObject({
    source: z
      .string()
      .min(1)
      .max(512 * 1024)
      .optional(),
    format: z.enum(["yaml", "json"]).optional(),
    policyId: z.string().min(1).max(100).optional(),
    call: z.strictObject({
      tool: z.string().min(1).max(500),
      args: z.unknown().default({}),
      agentId: z.string().min(1).max(100).optional().describe("applies this agent's mandate too"),
      sessionId: z.string().min(1).max(255).optional(),
      upstream: z.string().min(1).max(100).optional(),
      price: z.strictObject({ amount: BaseUnits, currency: Currency, decimals: Decimals }).optional(),
      vendor: z.string().min(1).max(500).optional(),
      category: z.string().min(1).max(200).optional(),
    }),
    now: EpochMs.optional(),
    approved: z.boolean().default(false),
  })
  .refine((b) => !(b.source && b.policyId), {
    message: "give source or policyId, not both",
    path: ["policyId"],
  });
export type EvaluateBody = z.infer<typeof EvaluateBody>;

export const EvaluateView = z.object({
  policy: z.object({ id: z.string().nullable(), version: z.number().int().nullable() }).nullable(),
  mandate: z.object({ id: z.string(), version: z.number().int() }).nullable(),
  decision: z.unknown().describe("the engine's Decision: action, shadow, rules, denial, scopes"),
  warnings: Warnings.describe("for uploaded text only (empty for a stored version): as on upload"),
});
