// A paid tool on the 2026-07-28 demo server. That revision forbids emitting -32042, so the challenge
// travels in MPP's result-metadata form (`_meta["org.paymentauth/payment-required"]` on an isError
// tool result), and the credential comes back in `params._meta` as in the legacy era. Charged by mppx's
// raw JSON-RPC transport with the demo's `test` method (payments.ts), so settlement is witnessed alike.
import { Mppx, Transport } from "mppx/server";
import { DEFAULT_SECRET, offer, REALM, testServer } from "./payments";

/** The price of modern_paid in pathUSD major units. */
export const MODERN_PAID_PRICE = "0.40";

type Msg = { id?: unknown; method?: unknown; params?: Record<string, unknown> };
type Answer = {
  jsonrpc: "2.0";
  id: unknown;
  result?: Record<string, unknown>;
  error?: Record<string, unknown>;
};

let mppx: ReturnType<typeof create> | undefined;
function create() {
  return Mppx.create({
    methods: [testServer],
    realm: REALM,
    secretKey: DEFAULT_SECRET,
    transport: Transport.mcp(),
  });
}

/** The JSON-RPC answer to a modern_paid call: a payment-required result, or the paid result with its receipt. */
export async function modernPaid(msg: Msg, meta: Record<string, unknown>): Promise<Answer> {
  mppx ??= create();
  const charged = await mppx["test/charge"](offer(MODERN_PAID_PRICE, "modern_paid"))(
    msg as Parameters<ReturnType<(typeof mppx)["test/charge"]>>[0],
  );
  if (charged.status === 402) {
    const data = ((charged.challenge as { error?: { data?: unknown } }).error?.data ?? {}) as Record<
      string,
      unknown
    >;
    return {
      jsonrpc: "2.0",
      id: msg.id,
      result: {
        resultType: "complete",
        isError: true,
        content: [{ type: "text", text: "Payment required: modern_paid costs 0.40 pathUSD." }],
        _meta: { ...meta, "org.paymentauth/payment-required": data },
      },
    };
  }
  const text = String((msg.params?.arguments as { text?: unknown } | undefined)?.text ?? "paid");
  return charged.withReceipt({
    jsonrpc: "2.0",
    id: msg.id as string | number,
    result: { resultType: "complete", content: [{ type: "text", text }], _meta: meta },
  }) as Answer;
}
