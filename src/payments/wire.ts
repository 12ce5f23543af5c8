// Loose zod schemas for the untrusted wire shapes (JSON-RPC envelopes, MPP challenges, x402 objects).
// Loose on purpose: unknown fields pass, and callers safeParse so garbage yields null, never a throw.
import { z } from "zod";

export const MPP_CREDENTIAL_KEY = "org.paymentauth/credential";
export const MPP_RECEIPT_KEY = "org.paymentauth/receipt";
export const MPP_PAYMENT_REQUIRED_KEY = "org.paymentauth/payment-required";
export const X402_PAYMENT_KEY = "x402/payment";
export const X402_RESPONSE_KEY = "x402/payment-response";
export const X402_ERROR_KEY = "x402/error";

export const MPP_PAYMENT_REQUIRED_CODE = -32042;
export const MPP_VERIFICATION_FAILED_CODE = -32043;
export const INVALID_PARAMS_CODE = -32602;
export const X402_JSONRPC_CODE = 402;

export const Record_ = z.record(z.string(), z.unknown());

export const JsonRpcErrorSchema = z.looseObject({
  code: z.number(),
  data: z.unknown().optional(),
});

export const JsonRpcResponseSchema = z.looseObject({
  error: JsonRpcErrorSchema.optional(),
  result: Record_.optional(),
});

/** The part of a payment-required payload that marks it as MPP: a challenges array (contents checked later). */
export const MppChallengesHolderSchema = z.looseObject({ challenges: z.array(z.unknown()) });

export const MppChallengeSchema = z.looseObject({
  id: z.string().min(1),
  realm: z.string().optional(),
  method: z.string().min(1),
  intent: z.string().min(1),
  request: Record_,
  expires: z.string().optional(),
});
export type MppChallenge = z.infer<typeof MppChallengeSchema>;

/** "Has x402Version and accepts": the same test the x402 MCP clients use. */
export const X402PaymentRequiredSchema = z.looseObject({
  x402Version: z.number(),
  accepts: z.array(z.unknown()),
});

export const X402RequirementSchema = z.looseObject({
  scheme: z.string().min(1),
  network: z.string().min(1),
  asset: z.string().min(1),
  payTo: z.string().optional(),
  amount: z.unknown().optional(),
  maxAmountRequired: z.unknown().optional(),
  maxTimeoutSeconds: z.unknown().optional(),
});

export const X402PaymentPayloadSchema = z.looseObject({
  x402Version: z.unknown().optional(),
  scheme: z.unknown().optional(),
  network: z.unknown().optional(),
  accepted: z.unknown().optional(),
  payload: z.unknown().optional(),
});

export const AuthorizationHolderSchema = z.looseObject({
  authorization: z.looseObject({ to: z.unknown().optional(), value: z.unknown().optional() }),
});

export const ContentTextSchema = z.looseObject({
  content: z.array(z.unknown()).min(1),
});

/** The first content item's text, if it is a text item. */
export function firstContentText(result: Record<string, unknown>): string | null {
  const parsed = ContentTextSchema.safeParse(result);
  if (!parsed.success) return null;
  const first = Record_.safeParse(parsed.data.content[0]);
  if (!first.success) return null;
  const text = first.data.text;
  return typeof text === "string" ? text : null;
}

/** `_meta` of a record (result or params), or null. */
export function metaOf(holder: unknown): Record<string, unknown> | null {
  const parsed = Record_.safeParse(holder);
  if (!parsed.success) return null;
  const meta = Record_.safeParse(parsed.data._meta);
  return meta.success ? meta.data : null;
}

export function asRecord(value: unknown): Record<string, unknown> | null {
  const parsed = Record_.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export function x402Version(value: unknown): 1 | 2 | null {
  return value === 1 || value === 2 ? value : null;
}
