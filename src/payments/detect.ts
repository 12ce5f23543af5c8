// Recognises a payment-required signal in one JSON-RPC response, in every MPP and x402 shape the
// reference lists (section 0 and 2.5), and returns its offers. URL elicitation (-32042 + elicitations) is not one.
import { parseJsonText } from "./base64";
import { mppOffers, type OfferBatch, x402Offers } from "./offers";
import type { PaymentRequired } from "./types";
import {
  asRecord,
  firstContentText,
  JsonRpcResponseSchema,
  MPP_PAYMENT_REQUIRED_CODE,
  MPP_PAYMENT_REQUIRED_KEY,
  MPP_VERIFICATION_FAILED_CODE,
  MppChallengesHolderSchema,
  metaOf,
  X402_ERROR_KEY,
  X402_JSONRPC_CODE,
  X402PaymentRequiredSchema,
} from "./wire";

type Source = PaymentRequired["source"];

export function detectPaymentRequired(message: unknown): PaymentRequired | null {
  const envelope = JsonRpcResponseSchema.safeParse(message);
  if (!envelope.success) return null;
  const { error, result } = envelope.data;
  if (error !== undefined) return fromError(error.code, error.data);
  if (result !== undefined) return fromResult(result);
  return null;
}

function fromError(code: number, data: unknown): PaymentRequired | null {
  const holder = asRecord(data);
  if (holder === null) return null;
  if (code === X402_JSONRPC_CODE) return fromX402("jsonrpc-402", holder);
  if (code !== MPP_PAYMENT_REQUIRED_CODE && code !== MPP_VERIFICATION_FAILED_CODE) return null;
  const mpp = MppChallengesHolderSchema.safeParse(holder);
  const x402 = asRecord(holder.x402);
  const dual = x402 !== null && X402PaymentRequiredSchema.safeParse(x402).success;
  // Without a challenges array this -32042 is MCP URL elicitation (data.elicitations), not a payment.
  if (!mpp.success && !dual) return null;
  const batches: OfferBatch[] = [];
  if (mpp.success) batches.push(mppOffers(mpp.data.challenges));
  if (dual && x402 !== null) batches.push(x402Batch(x402));
  const source: Source = dual
    ? "mpp-dual"
    : code === MPP_VERIFICATION_FAILED_CODE
      ? "mpp-verification-failed"
      : "mpp-error";
  return merge(source, batches);
}

function fromResult(result: Record<string, unknown>): PaymentRequired | null {
  const meta = metaOf(result);
  const mppMeta = MppChallengesHolderSchema.safeParse(meta?.[MPP_PAYMENT_REQUIRED_KEY]);
  if (mppMeta.success) return merge("mpp-result-meta", [mppOffers(mppMeta.data.challenges)]);
  // x402 over MCP is always a tool error; a successful tool may legitimately return x402-looking data.
  if (result.isError !== true) return null;
  const structured = asRecord(result.structuredContent);
  if (structured !== null && isX402(structured)) return fromX402("x402-result", structured);
  const metaError = asRecord(meta?.[X402_ERROR_KEY]);
  if (metaError !== null && isX402(metaError)) return fromX402("x402-result-meta", metaError);
  return fromText(firstContentText(result));
}

function fromText(text: string | null): PaymentRequired | null {
  if (text === null || !text.trimStart().startsWith("{")) return null;
  const parsed = asRecord(parseJsonText(text));
  if (parsed === null) return null;
  if (isX402(parsed)) return fromX402("x402-result", parsed);
  // Older @x402/mcp: {"x402/error":{"code":402,"message":...,"data":<PaymentRequired>}} as text.
  const wrapper = asRecord(parsed[X402_ERROR_KEY]);
  const data = asRecord(wrapper?.data);
  if (wrapper?.code === X402_JSONRPC_CODE && data !== null && isX402(data)) {
    return fromX402("x402-text-wrapper", data);
  }
  return null;
}

function isX402(value: Record<string, unknown>): boolean {
  return X402PaymentRequiredSchema.safeParse(value).success;
}

function fromX402(source: Source, value: Record<string, unknown>): PaymentRequired | null {
  return isX402(value) ? merge(source, [x402Batch(value)]) : null;
}

function x402Batch(value: Record<string, unknown>): OfferBatch {
  const accepts = X402PaymentRequiredSchema.safeParse(value);
  return accepts.success
    ? x402Offers(value, accepts.data.accepts)
    : { offers: [], invalid: ["x402: no accepts"] };
}

function merge(source: Source, batches: OfferBatch[]): PaymentRequired {
  return {
    source,
    offers: batches.flatMap((batch) => batch.offers),
    invalid: batches.flatMap((batch) => batch.invalid),
  };
}
