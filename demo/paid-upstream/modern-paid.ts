// The paid tools of the 2026-07-28 fixture, charged with mppx (the raw MCP transport, the mock `test`
// method). That revision forbids emitting -32042, so the challenge goes back in MPP's result-metadata
// form (`_meta["org.paymentauth/payment-required"]` on an isError result) and the credential comes
// back in `params._meta` as in the legacy era.
// - modern_paid: charged, then answers with the receipt.
// - modern_paid_ask: charged, then answers input_required "Deliver where?". The retry (the same
//   request again, with the answer and the state) is served from the state and never charged again;
//   its result carries the receipt of the payment.
import { Mppx, Transport } from "mppx/server";
import { DEFAULT_SECRET, offer, REALM, testServer } from "./payments";
import { recordRun } from "./witness";

type Msg = { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: Record<string, unknown> };
type Json = Record<string, unknown>;
const INFO = { name: "tollgate-demo-modern", version: "1.0.0" };
const PRICE = "0.50";
/** The price of modern_paid in pathUSD major units. */
export const MODERN_PAID_PRICE = "0.40";

const mppx = Mppx.create({
  methods: [testServer],
  realm: REALM,
  secretKey: DEFAULT_SECRET,
  transport: Transport.mcp(),
});
/** States issued after a payment (per isolate), each with the receipt it stands for; used once. */
const paidStates = new Map<string, unknown>();

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
}

function complete(id: unknown, result: Json): Response {
  return json({
    jsonrpc: "2.0",
    id,
    result: {
      resultType: "complete",
      ...result,
      _meta: { ...((result._meta as Json) ?? {}), "io.modelcontextprotocol/serverInfo": INFO },
    },
  });
}

/**
 * Charges one call: unpaid, the payment-required result (result-metadata form) to answer with;
 * paid, the `_meta` carrying the payment's receipt.
 */
async function charge(
  msg: Msg,
  price: string,
  description: string,
): Promise<{ paid: false; response: Response } | { paid: true; meta: Json }> {
  const charged = await mppx["test/charge"](offer(price, description))({
    id: msg.id,
    method: msg.method,
    params: msg.params ?? {},
  } as never);
  if (charged.status === 402) {
    const error = (charged.challenge as { error: { message: string; data: unknown } }).error;
    const response = complete(msg.id, {
      isError: true,
      content: [{ type: "text", text: error.message }],
      _meta: { "org.paymentauth/payment-required": error.data },
    });
    return { paid: false, response };
  }
  const receipted = charged.withReceipt({ jsonrpc: "2.0", id: msg.id, result: {} } as never) as {
    result: { _meta: Json };
  };
  return { paid: true, meta: receipted.result._meta };
}

export async function paidAsk(msg: Msg): Promise<Response> {
  const params = msg.params ?? {};
  const state = params.requestState;
  if (typeof state === "string" && paidStates.has(state)) {
    const receipt = paidStates.get(state);
    paidStates.delete(state);
    const given = (params.inputResponses as { where?: { action?: unknown; content?: { name?: unknown } } })
      ?.where;
    const where = given?.action === "accept" ? String(given.content?.name ?? "") : "default";
    recordRun("modern_paid_ask", { where });
    return complete(msg.id, {
      content: [{ type: "text", text: `delivered to ${where}` }],
      _meta: { "org.paymentauth/receipt": receipt },
    });
  }
  const charged = await charge(msg, PRICE, "modern_paid_ask");
  if (!charged.paid) return charged.response;
  const next = `paid-${crypto.randomUUID()}`;
  paidStates.set(next, charged.meta["org.paymentauth/receipt"]);
  return json({
    jsonrpc: "2.0",
    id: msg.id,
    result: {
      resultType: "input_required",
      inputRequests: {
        where: {
          method: "elicitation/create",
          params: {
            mode: "form",
            message: "Deliver where?",
            requestedSchema: { type: "object", properties: { name: { type: "string" } } },
          },
        },
      },
      requestState: next,
    },
  });
}

/** A modern_paid call: the payment-required result, or the echoed text with the receipt. */
export async function modernPaid(msg: Msg): Promise<Response> {
  const params = msg.params ?? {};
  const charged = await charge(msg, MODERN_PAID_PRICE, "modern_paid");
  if (!charged.paid) return charged.response;
  const text = String((params.arguments as { text?: unknown } | undefined)?.text ?? "paid");
  recordRun("modern_paid", params.arguments ?? {});
  return complete(msg.id, { content: [{ type: "text", text }], _meta: charged.meta });
}
