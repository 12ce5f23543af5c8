// Upstream MCP servers and webhook endpoints: outbound URLs (SSRF-checked by the services) and
// write-only credentials (header values and signing secrets are never returned after creation).
import { z } from "zod";
import { Currency, Decimals, MajorAmount, MoneyView } from "../money";
import { EpochMs } from "./common";

export const Namespace = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,30}$/,
    "lowercase letters, digits and - (max 31), starting with a letter or digit",
  );
export const ToolPrefix = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, "letters, digits, _ . and - (1 to 64), e.g. github__");
const Url = z.string().min(1).max(2048);
const HeaderName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, "must be an HTTP header name");
const Headers = z
  .record(HeaderName, z.string().max(8192))
  .refine((h) => Object.keys(h).length <= 50, "at most 50 headers");
const ToolName = z.string().min(1).max(200);
const ToolPriceIn = z.strictObject({
  amount: MajorAmount,
  currency: Currency,
  decimals: Decimals.optional(),
});

const upstreamFields = {
  url: Url,
  headers: Headers,
  agentIds: z.array(z.string().min(1).max(100)).max(500).nullable().describe("null: every agent of the org"),
  toolPrices: z
    .record(ToolName, ToolPriceIn)
    .describe("prices in major units for tools priced without a payment protocol"),
};

export const CreateUpstreamBody = z.strictObject({
  namespace: Namespace,
  toolPrefix: ToolPrefix.nullable()
    .optional()
    .describe(
      "put before each tool name this upstream lists; null: names unchanged. Default: null for the org's first upstream, `<namespace>__` for later ones. Kept when other upstreams come and go",
    ),
  url: upstreamFields.url,
  headers: upstreamFields.headers.default({}),
  agentIds: upstreamFields.agentIds.default(null),
  toolPrices: upstreamFields.toolPrices.default({}),
});
export type CreateUpstreamBody = z.infer<typeof CreateUpstreamBody>;

export const UpdateUpstreamBody = z.strictObject({
  namespace: Namespace.optional().describe("does not rename tools (toolPrefix does)"),
  toolPrefix: ToolPrefix.nullable().optional().describe("renames every tool of this upstream"),
  url: upstreamFields.url.optional(),
  headers: upstreamFields.headers.optional().describe("replaces every stored header"),
  agentIds: upstreamFields.agentIds.optional(),
  toolPrices: upstreamFields.toolPrices.optional(),
  status: z.enum(["active", "disabled"]).optional(),
});
export type UpdateUpstreamBody = z.infer<typeof UpdateUpstreamBody>;

export const UpstreamView = z.object({
  id: z.string(),
  namespace: z.string(),
  toolPrefix: z.string().nullable().describe("null: tool names unchanged"),
  url: z.string(),
  headerNames: z.array(z.string()),
  agentIds: z.array(z.string()).nullable(),
  toolPrices: z.record(z.string(), MoneyView),
  status: z.enum(["active", "disabled"]),
  createdAt: EpochMs,
});
export type UpstreamView = z.infer<typeof UpstreamView>;

export const EventName = z
  .string()
  .regex(/^[a-z][a-z0-9_.*-]{0,63}$/, "must be an event name like budget.warning");
export const CreateWebhookBody = z.strictObject({
  url: Url,
  events: z.array(EventName).max(50).default([]).describe("empty: every event"),
});
export type CreateWebhookBody = z.infer<typeof CreateWebhookBody>;

export const WebhookView = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  status: z.enum(["active", "disabled"]),
  failingSince: EpochMs.nullable(),
  disabledReason: z.string().nullable(),
  createdAt: EpochMs,
});
export type WebhookView = z.infer<typeof WebhookView>;
export const CreatedWebhookView = WebhookView.extend({ secret: z.string().describe("whsec_…; shown once") });

export const DeliveryView = z.object({
  id: z.string(),
  endpointId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(["pending", "delivered", "failed"]),
  attempts: z.number().int(),
  nextAttemptAt: EpochMs.nullable(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: EpochMs,
  deliveredAt: EpochMs.nullable(),
});
export type DeliveryView = z.infer<typeof DeliveryView>;
