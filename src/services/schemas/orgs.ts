// Org and API key shapes: inputs as accepted, views as returned (never a hash; a secret only once).
import { z } from "zod";
import { AlertsConfig } from "../../events";
import { ConversionSchema } from "../../money";
import { EpochMs, Name, TimeZone } from "./common";

export const Conversion = ConversionSchema;

export const OrgSettings = z.object({
  conversions: z.array(ConversionSchema).max(100).default([]),
  budgetWarningThreshold: z.number().int().min(0).max(100).default(80).describe("percent of a budget"),
  inlineApprovals: z.boolean().default(false),
  /** Refuse API keys in the URL path (/<key>/mcp): agents connect with OAuth or a bearer header. */
  requireOAuth: z.boolean().default(false),
  /** Anomaly webhooks (spend.velocity, payee.new): off by default. */
  alerts: AlertsConfig.prefault({}),
});

const InlineApprovals = z
  .boolean()
  .describe(
    "ask approvals inline through the agent's own client (elicitation); trusts the person at the client",
  );

const RequireOAuth = z
  .boolean()
  .describe("refuse API keys in the URL path (/<key>/mcp); agents connect with OAuth or a bearer header");

/** An alerts update names only what changes; the result is validated whole (alerts.velocity's bounds). */
const AlertsUpdate = z
  .strictObject({
    velocity: z
      .strictObject({
        enabled: z.boolean().optional(),
        windowMinutes: z.number().int().optional(),
        baselineHours: z.number().int().optional(),
        multiplePercent: z.number().int().optional(),
        minPayments: z.number().int().optional(),
        minSpend: z.array(z.strictObject({ currency: z.string(), amount: z.string() })).optional(),
        perAgent: z.boolean().optional(),
      })
      .optional(),
    newPayee: z
      .strictObject({ enabled: z.boolean().optional(), perAgent: z.boolean().optional() })
      .optional(),
  })
  .describe(
    "anomaly webhooks, off by default: velocity { enabled, windowMinutes (1-1440, 10), baselineHours (1-720, 24), multiplePercent (101-1000000, 300 = 3x), minPayments (3), minSpend [{ currency, amount }], perAgent }, newPayee { enabled, perAgent }",
  );

export const CreateOrgBody = z.strictObject({ name: Name, timeZone: TimeZone.default("UTC") });
export type CreateOrgBody = z.infer<typeof CreateOrgBody>;

export const UpdateOrgBody = z.strictObject({
  name: Name.optional(),
  timeZone: TimeZone.optional(),
  settings: z
    .strictObject({
      conversions: z.array(ConversionSchema).max(100).optional(),
      budgetWarningThreshold: z.number().int().min(0).max(100).optional(),
      inlineApprovals: InlineApprovals.optional(),
      requireOAuth: RequireOAuth.optional(),
      alerts: AlertsUpdate.optional(),
    })
    .optional(),
});
export type UpdateOrgBody = z.infer<typeof UpdateOrgBody>;

export const OrgView = z.object({
  id: z.string(),
  name: z.string(),
  timeZone: z.string(),
  settings: z.object({
    conversions: z.array(z.object({ from: z.string(), to: z.string(), rate: z.string() })),
    budgetWarningThreshold: z.number(),
    inlineApprovals: InlineApprovals,
    requireOAuth: RequireOAuth,
    alerts: AlertsConfig,
  }),
  createdAt: EpochMs,
});
export type OrgView = z.infer<typeof OrgView>;

export const KeyScope = z.enum(["admin", "org", "agent"]);

export const CreateKeyBody = z
  .strictObject({
    scope: KeyScope,
    agentId: z.string().min(1).max(100).optional(),
    name: z.string().trim().max(200).default(""),
  })
  .superRefine((v, ctx) => {
    if (v.scope === "agent" && !v.agentId)
      ctx.addIssue({ code: "custom", path: ["agentId"], message: "required for agent keys" });
    if (v.scope !== "agent" && v.agentId)
      ctx.addIssue({ code: "custom", path: ["agentId"], message: "only agent keys name an agent" });
  });
export type CreateKeyBody = z.infer<typeof CreateKeyBody>;

export const KeyView = z.object({
  id: z.string(),
  prefix: z.string(),
  scope: KeyScope,
  agentId: z.string().nullable(),
  name: z.string(),
  createdAt: EpochMs,
  lastUsedAt: EpochMs.nullable(),
  revokedAt: EpochMs.nullable(),
});
export type KeyView = z.infer<typeof KeyView>;

export const CreatedKeyView = KeyView.extend({ secret: z.string().describe("shown once; store it now") });
export type CreatedKeyView = z.infer<typeof CreatedKeyView>;

export const CreatedOrgView = z.object({ org: OrgView, key: CreatedKeyView });
