// x402 over plain HTTP (reference 2.1, 2.2): v2 answers 402 with a `PAYMENT-REQUIRED` header and reads
// `PAYMENT-SIGNATURE`; v1 answers a JSON body and reads `X-PAYMENT`. The EIP-3009 authorization is
// verified offline with viem (signature, recipient, value, validity window, single-use nonce), then
// "settled" (recorded in the witness log) and answered with `PAYMENT-RESPONSE` / `X-PAYMENT-RESPONSE`.
import { getAddress, type Hex, verifyTypedData } from "viem";
import { recordSettlement } from "./witness";

const USDC_BASE_SEPOLIA = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
const PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
const CHAIN_ID = 84532;
const DESCRIPTION = "A market report (JSON)";

/** The v2 requirement: 0.02 USDC on Base Sepolia. */
export const HTTP_X402_OFFER = {
  scheme: "exact",
  network: "eip155:84532",
  amount: "20000",
  asset: USDC_BASE_SEPOLIA,
  payTo: PAY_TO,
  maxTimeoutSeconds: 60,
  extra: { name: "USDC", version: "2" },
} as const;

/** The v1 requirement (network name, maxAmountRequired, resource per entry); resource is the request URL. */
function v1Offer(resource: string) {
  return {
    scheme: "exact",
    network: "base-sepolia",
    maxAmountRequired: "20000",
    asset: USDC_BASE_SEPOLIA,
    payTo: PAY_TO,
    resource,
    description: DESCRIPTION,
    mimeType: "application/json",
    maxTimeoutSeconds: 60,
    extra: { name: "USDC", version: "2" },
  };
}

export type X402Version = 1 | 2;

const NAMES = {
  1: { credential: "X-PAYMENT", response: "X-PAYMENT-RESPONSE", network: "base-sepolia" },
  2: { credential: "PAYMENT-SIGNATURE", response: "PAYMENT-RESPONSE", network: "eip155:84532" },
} as const;

/** EIP-3009 nonces already settled: on chain a nonce is single use, so a replay must fail here too. */
const usedNonces = new Set<string>();

const TYPES = {
  TransferWithAuthorization: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
} as const;

export async function serveX402(request: Request, version: X402Version, report: unknown): Promise<Response> {
  const url = new URL(request.url);
  const resource = `${url.origin}${url.pathname}`;
  const header = request.headers.get(NAMES[version].credential);
  if (header === null) return challenge(version, resource, `${NAMES[version].credential} header is required`);
  const checked = await verify(version, header, resource);
  if (!checked.ok) return challenge(version, resource, checked.reason, checked.payer);
  const transaction = `0x${crypto.randomUUID().replaceAll("-", "").padEnd(64, "0")}`;
  recordSettlement({
    protocol: "x402",
    tool: null,
    challengeId: null,
    amount: checked.value,
    reference: transaction,
  });
  const settle = { success: true, transaction, network: NAMES[version].network, payer: checked.payer };
  return Response.json(report, { headers: { [NAMES[version].response]: encode(settle) } });
}

function challenge(version: X402Version, resource: string, error: string, payer?: string): Response {
  const headers: Record<string, string> = { "cache-control": "no-store" };
  if (payer !== undefined) {
    const failed = {
      success: false,
      errorReason: "invalid_payment",
      transaction: "",
      network: NAMES[version].network,
      payer,
    };
    headers[NAMES[version].response] = encode(failed);
  }
  if (version === 1) {
    return Response.json({ x402Version: 1, error, accepts: [v1Offer(resource)] }, { status: 402, headers });
  }
  const required = {
    x402Version: 2,
    error,
    resource: { url: resource, description: DESCRIPTION, mimeType: "application/json" },
    accepts: [HTTP_X402_OFFER],
  };
  headers["PAYMENT-REQUIRED"] = encode(required);
  return Response.json({}, { status: 402, headers });
}

type Checked =
  | { ok: true; payer: string; value: string; nonce: string }
  | { ok: false; reason: string; payer?: string };

type Authorization = Record<"from" | "to" | "value" | "validAfter" | "validBefore" | "nonce", string>;

async function verify(version: X402Version, header: string, resource: string): Promise<Checked> {
  const payment = decode(header);
  if (payment === null || payment.x402Version !== version) return { ok: false, reason: "unreadable payment" };
  const offer = version === 2 ? HTTP_X402_OFFER : v1Offer(resource);
  const echoOk =
    version === 2
      ? canonical(payment.accepted) === canonical(HTTP_X402_OFFER)
      : payment.scheme === "exact" && payment.network === "base-sepolia";
  if (!echoOk) return { ok: false, reason: "payment does not answer the offered requirement" };
  const inner = payment.payload as
    | { signature?: unknown; authorization?: Partial<Authorization> }
    | undefined;
  const auth = inner?.authorization;
  if (!auth || !isAuthorization(auth) || typeof inner?.signature !== "string")
    return { ok: false, reason: "no EIP-3009 authorization" };
  const amount = version === 2 ? HTTP_X402_OFFER.amount : v1Offer(resource).maxAmountRequired;
  const nowS = BigInt(Math.floor(Date.now() / 1000));
  const reason =
    auth.value !== amount
      ? "authorization value differs from the price"
      : auth.to.toLowerCase() !== offer.payTo.toLowerCase()
        ? "authorization pays someone else"
        : BigInt(auth.validAfter) > nowS || BigInt(auth.validBefore) <= nowS
          ? "authorization is outside its validity window"
          : usedNonces.has(auth.nonce.toLowerCase())
            ? "authorization nonce was already used"
            : null;
  if (reason !== null) return { ok: false, reason, payer: auth.from };
  // Claimed before the await, so two concurrent replays cannot both settle.
  usedNonces.add(auth.nonce.toLowerCase());
  const valid = await verifySignature(auth, inner.signature as Hex);
  if (!valid) {
    usedNonces.delete(auth.nonce.toLowerCase());
    return { ok: false, reason: "signature does not verify", payer: auth.from };
  }
  return { ok: true, payer: getAddress(auth.from), value: auth.value, nonce: auth.nonce.toLowerCase() };
}

function isAuthorization(auth: Partial<Authorization>): auth is Authorization {
  const digits = (v: unknown) => typeof v === "string" && /^\d{1,78}$/.test(v);
  const address = (v: unknown) => typeof v === "string" && /^0x[0-9a-fA-F]{40}$/.test(v);
  return (
    address(auth.from) &&
    address(auth.to) &&
    digits(auth.value) &&
    digits(auth.validAfter) &&
    digits(auth.validBefore) &&
    typeof auth.nonce === "string" &&
    /^0x[0-9a-fA-F]{64}$/.test(auth.nonce)
  );
}

async function verifySignature(auth: Authorization, signature: Hex): Promise<boolean> {
  try {
    return await verifyTypedData({
      address: getAddress(auth.from),
      domain: {
        name: HTTP_X402_OFFER.extra.name,
        version: HTTP_X402_OFFER.extra.version,
        chainId: CHAIN_ID,
        verifyingContract: getAddress(USDC_BASE_SEPOLIA),
      },
      types: TYPES,
      primaryType: "TransferWithAuthorization",
      message: {
        from: getAddress(auth.from),
        to: getAddress(auth.to),
        value: BigInt(auth.value),
        validAfter: BigInt(auth.validAfter),
        validBefore: BigInt(auth.validBefore),
        nonce: auth.nonce as Hex,
      },
      signature,
    });
  } catch {
    return false;
  }
}

/** Standard base64 (with padding) of UTF-8 JSON, as x402's encode*Header helpers write it. */
function encode(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function decode(header: string): Record<string, unknown> | null {
  try {
    const bytes = Uint8Array.from(atob(header), (c) => c.charCodeAt(0));
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

// Key order must not matter when comparing the echoed requirement with ours.
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
