// The demo upstream's MCP tool catalogue: two free tools, paid tools priced in pathUSD, and a few tools
// that misbehave on purpose (charge then fail, crash after charge) so a gateway's accounting can be tested.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type {
  CallToolResult,
  GetPromptResult,
  ReadResourceResult,
  ServerNotification,
  ServerRequest,
} from "@modelcontextprotocol/sdk/types.js";
import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/cfworker";
import { z } from "zod";
import { type Payments, PRICES } from "./payments";
import { recordRun } from "./witness";

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** What a tool learned that the HTTP layer must act on after the SDK has answered. */
export type CallOutcome = { crashAfterCharge: boolean };

const text = (value: string): CallToolResult => ({ content: [{ type: "text", text: value }] });

const majorUnits = z
  .string()
  .regex(/^\d{1,9}(\.\d{1,6})?$/, 'a decimal amount in pathUSD with at most 6 decimals, e.g. "2.50"');

async function sendProgress(extra: Extra, steps: number): Promise<void> {
  const progressToken = extra._meta?.progressToken;
  if (progressToken === undefined) return;
  for (let progress = 1; progress <= steps; progress++) {
    await extra.sendNotification({
      method: "notifications/progress",
      params: { progressToken, progress, total: steps, message: `step ${progress} of ${steps}` },
    });
  }
}

/** A fresh server per HTTP request (stateless Streamable HTTP). */
export function createServer(payments: Payments, outcome: CallOutcome): McpServer {
  const server = new McpServer(
    { name: "tollgate-demo-upstream", version: "1.0.0" },
    {
      capabilities: { experimental: { payment: { methods: { test: { intents: ["charge"] } } } } },
      jsonSchemaValidator: new CfWorkerJsonSchemaValidator(),
    },
  );

  server.registerTool(
    "echo",
    { description: "Free. Returns the text you send.", inputSchema: { text: z.string() } },
    async ({ text: value }) => {
      recordRun("echo", { text: value });
      return text(value);
    },
  );

  server.registerTool(
    "get_time",
    { description: "Free. Returns the server's current time as an ISO 8601 UTC string." },
    async () => {
      recordRun("get_time", {});
      return text(new Date().toISOString());
    },
  );

  server.registerTool(
    "generate_image",
    {
      description: `Paid: ${PRICES.generate_image} pathUSD per image. Returns a (placeholder) image URL for the prompt.`,
      inputSchema: { prompt: z.string().min(1) },
    },
    async ({ prompt }, extra) => {
      const paid = await payments.charge(extra, PRICES.generate_image, "generate_image");
      if (paid.status === 402) throw paid.challenge;
      recordRun("generate_image", { prompt });
      const url = `https://images.example/${encodeURIComponent(prompt.slice(0, 40))}.png`;
      return paid.withReceipt(text(url));
    },
  );

  server.registerTool(
    "research_report",
    {
      description: `Paid: ${PRICES.research_brief} pathUSD for a brief report, ${PRICES.research_deep} for a deep one.`,
      inputSchema: { topic: z.string().min(1), depth: z.enum(["brief", "deep"]).optional() },
    },
    async ({ topic, depth = "brief" }, extra) => {
      const price = depth === "deep" ? PRICES.research_deep : PRICES.research_brief;
      const paid = await payments.charge(extra, price, `research_report (${depth})`);
      if (paid.status === 402) throw paid.challenge;
      recordRun("research_report", { topic, depth });
      return paid.withReceipt(text(`A ${depth} report on ${topic}: it is complicated.`));
    },
  );

  server.registerTool(
    "paid_echo",
    {
      description:
        'Paid: costs whatever `price` you pass (pathUSD, e.g. "2.50"), paid to `payTo` if given. Returns your text.',
      inputSchema: {
        text: z.string(),
        price: majorUnits,
        payTo: z
          .string()
          .regex(/^0x[0-9a-fA-F]{40}$/)
          .optional(),
      },
    },
    async ({ text: value, price, payTo }, extra) => {
      const paid = await payments.charge(extra, price, "paid_echo", payTo);
      if (paid.status === 402) throw paid.challenge;
      recordRun("paid_echo", payTo ? { text: value, price, payTo } : { text: value, price });
      return paid.withReceipt(text(value));
    },
  );

  server.registerTool(
    "slow_paid",
    {
      description: `Paid: ${PRICES.slow_paid} pathUSD. Reports three progress steps before answering.`,
      inputSchema: { text: z.string() },
    },
    async ({ text: value }, extra) => {
      // Progress comes first even when unpaid, so the -32042 follows notifications on the SSE stream.
      await sendProgress(extra, 3);
      const paid = await payments.charge(extra, PRICES.slow_paid, "slow_paid");
      if (paid.status === 402) throw paid.challenge;
      recordRun("slow_paid", { text: value });
      return paid.withReceipt(text(value));
    },
  );

  server.registerTool(
    "charge_then_fail",
    {
      description: `Paid: ${PRICES.charge_then_fail} pathUSD. Takes the payment, then fails without a receipt.`,
    },
    async (extra) => {
      const paid = await payments.charge(extra, PRICES.charge_then_fail, "charge_then_fail");
      if (paid.status === 402) throw paid.challenge;
      recordRun("charge_then_fail", {});
      return { isError: true, content: [{ type: "text", text: "upstream exploded after charging" }] };
    },
  );

  server.registerTool(
    "server_error",
    {
      description: `Paid: ${PRICES.server_error} pathUSD. Takes the payment, then answers HTTP 500.`,
    },
    async (extra) => {
      const paid = await payments.charge(extra, PRICES.server_error, "server_error");
      if (paid.status === 402) throw paid.challenge;
      recordRun("server_error", {});
      outcome.crashAfterCharge = true;
      return paid.withReceipt(text("this result is never delivered"));
    },
  );

  server.registerTool(
    "multi_offer",
    { description: "Paid: 1.00 pathUSD with the test method, or 3.00 with othermethod. Pick one." },
    async (extra) => {
      const paid = await payments.chargeEither(extra, "multi_offer");
      if (paid.status === 402) throw paid.challenge;
      recordRun("multi_offer", {});
      return paid.withReceipt(text("paid through one of two offers"));
    },
  );

  // MPP lists resources/read and prompts/get as payable: one paid resource and one paid prompt.
  server.registerResource(
    "paid_report",
    "demo://reports/paid",
    { description: `Paid: ${PRICES.paid_resource} pathUSD to read.`, mimeType: "text/plain" },
    async (uri, extra) => {
      const paid = await payments.charge(extra, PRICES.paid_resource, "paid_report");
      if (paid.status === 402) throw paid.challenge;
      recordRun("resource:demo://reports/paid", {});
      // withReceipt adds the receipt to `_meta` of any result; its type names tool results only.
      const result = { contents: [{ uri: uri.href, text: "The paid report." }] };
      return paid.withReceipt(result as unknown as CallToolResult) as unknown as ReadResourceResult;
    },
  );

  server.registerPrompt(
    "paid_prompt",
    { description: `Paid: ${PRICES.paid_prompt} pathUSD.`, argsSchema: { topic: z.string() } },
    async ({ topic }, extra) => {
      const paid = await payments.charge(extra, PRICES.paid_prompt, "paid_prompt");
      if (paid.status === 402) throw paid.challenge;
      recordRun("prompt:paid_prompt", { topic });
      const result = {
        messages: [{ role: "user", content: { type: "text", text: `Write about ${topic}.` } }],
      };
      return paid.withReceipt(result as unknown as CallToolResult) as unknown as GetPromptResult;
    },
  );

  return server;
}
