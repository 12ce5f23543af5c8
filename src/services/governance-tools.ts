// The tollgate_* tools an agent sees next to its upstream tools: names, descriptions written for an
// LLM, and zod input schemas (exposed as JSON Schema).
import { z } from "zod";
import { decodeCursor } from "./pages";

const Money = {
  amount: z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .describe('Amount in major units as a decimal string, e.g. "2.50"'),
  currency: z.string().min(1).max(32).describe('Currency code, e.g. "USD", "USDC", "PATHUSD"'),
};
const Agent = {
  agent: z.string().optional().describe("Agent name (org keys only); defaults to the calling agent"),
};

/** The largest request body tollgate_fetch sends (UTF-8 bytes). */
export const MAX_FETCH_BODY_BYTES = 256 * 1024;

const FetchInput = z
  .object({
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]).default("GET"),
    url: z.string().min(1).max(8192).describe("An https URL (the host is the vendor policies name)"),
    headers: z
      .record(z.string(), z.string())
      .optional()
      .describe("Request headers; payment headers are written by Tollgate and refused here"),
    body: z
      .string()
      .optional()
      .refine((b) => b === undefined || new TextEncoder().encode(b).byteLength <= MAX_FETCH_BODY_BYTES, {
        message: `the body exceeds ${MAX_FETCH_BODY_BYTES} bytes`,
      })
      .describe("Request body as text (not for GET or HEAD)"),
  })
  .refine((i) => i.body === undefined || (i.method !== "GET" && i.method !== "HEAD"), {
    message: "GET and HEAD requests carry no body",
    path: ["body"],
  });

/** tollgate_list_agents answers a page: each agent listed costs a ledger read for its budgets. */
export const LIST_AGENTS_PAGE = { default: 20, max: 50 } as const;

const isCursor = (c: string) => {
  try {
    decodeCursor(c);
    return true;
  } catch {
    return false;
  }
};

export const INPUTS = {
  tollgate_list_agents: z.object({
    cursor: z
      .string()
      .max(500)
      .refine(isCursor, "not a nextCursor from tollgate_list_agents")
      .optional()
      .describe("nextCursor of the previous answer, for the next page"),
    limit: z
      .number()
      .int()
      .min(1)
      .max(LIST_AGENTS_PAGE.max)
      .default(LIST_AGENTS_PAGE.default)
      .describe("How many agents to list (oldest first)"),
  }),
  tollgate_check_budget: z.object({ ...Agent }),
  tollgate_evaluate: z.object({
    ...Money,
    vendor: z.string().optional().describe("Who would be paid (payment recipient or server)"),
    category: z.string().optional(),
    tool: z.string().optional().describe("The tool the spend is for, if any"),
    ...Agent,
  }),
  tollgate_can_spend: z.object({
    ...Money,
    vendor: z.string().optional(),
    category: z.string().optional(),
    tool: z.string().optional(),
    ...Agent,
  }),
  tollgate_transactions: z.object({
    status: z
      .enum(["allowed", "reserved", "committed", "released", "expired", "denied", "pending_approval"])
      .optional(),
    tool: z.string().optional(),
    limit: z.number().int().min(1).max(50).default(10),
  }),
  tollgate_reserve: z.object({
    ...Money,
    vendor: z.string().optional(),
    purpose: z.string().max(200).optional().describe("What the money is for (shown to operators)"),
    ttlSeconds: z.number().int().min(1).max(86_400).default(600),
  }),
  tollgate_commit: z.object({
    reservationId: z.string(),
    actualAmount: z
      .string()
      .regex(/^\d+(\.\d+)?$/)
      .optional()
      .describe("What was really spent, major units; defaults to the reserved amount"),
  }),
  tollgate_release: z.object({ reservationId: z.string(), reason: z.string().max(200).optional() }),
  tollgate_approval_status: z.object({ approvalId: z.string() }),
  tollgate_fetch: FetchInput,
} as const;

export type GovernanceToolName = keyof typeof INPUTS;
export type FetchInput = z.infer<typeof FetchInput>;

export const DESCRIPTIONS: Record<GovernanceToolName, string> = {
  tollgate_list_agents:
    "List the agents of your organization with their purpose, spending mandate and remaining budget. Use it to pick the right agent for a task. Answers a page (oldest first); when nextCursor is not null, call again with it for more.",
  tollgate_check_budget:
    "Check your spending budget before paying for something: for each budget (daily, monthly, per-session...) the limit, amount spent, amount reserved, amount remaining, and when it resets; plus the per-transaction limit.",
  tollgate_evaluate:
    "Ask whether a hypothetical payment would be approved under your policy and budget, without spending or reserving anything. Returns approved/rejected and the result of every rule.",
  tollgate_can_spend:
    "Ask in plain words whether you may spend an amount right now. The answer is a sentence you can repeat to your user. Reserves nothing.",
  tollgate_transactions:
    "List your recent payment decisions (allowed, denied, committed...) with amounts and reasons, newest first.",
  tollgate_reserve:
    "Reserve budget for a payment you make outside this gateway (for example a purchase through another API). Call tollgate_commit with the reservation id once you paid, or tollgate_release if you did not. Unsettled reservations expire after ttlSeconds.",
  tollgate_commit:
    "Record that a reserved payment happened (optionally with the actual amount, which may be lower than reserved).",
  tollgate_release: "Cancel a reservation you no longer need, returning its amount to your budget.",
  tollgate_approval_status:
    "Check whether a human approved a payment that needed approval. After approval, retry the exact same tool call.",
  tollgate_fetch:
    "Make an HTTP(S) request under your spending mandate. If the server asks for payment (HTTP 402 with MPP or x402), Tollgate prices it, checks your policy and budget, pays if allowed and returns the paid response with what it cost. Redirects are returned, not followed. Do not send payment headers yourself.",
};

export function toolDefinitions(names: GovernanceToolName[]) {
  return names.map((name) => ({
    name,
    description: DESCRIPTIONS[name],
    inputSchema: z.toJSONSchema(INPUTS[name], { io: "input" }) as Record<string, unknown>,
    annotations: {
      readOnlyHint: !["tollgate_reserve", "tollgate_commit", "tollgate_release", "tollgate_fetch"].includes(
        name,
      ),
      ...(name === "tollgate_fetch" ? { openWorldHint: true } : {}),
    },
  }));
}
