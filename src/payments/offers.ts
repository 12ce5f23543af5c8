// Turns MPP challenges and x402 PaymentRequired objects into normalized Offers (or reasons they are invalid).
import { parseBaseUnits, parseRfc3339 } from "./amount";
import { lookupAsset, normalizeAsset } from "./assets";
import { tryCanonicalJson } from "./jcs";
import type { Offer } from "./types";
import { asRecord, MppChallengeSchema, X402RequirementSchema, x402Version } from "./wire";

export type OfferBatch = { offers: Offer[]; invalid: string[] };

/** Intents whose `amount` is not the total of this one payment. */
const UNBUDGETABLE_INTENTS = new Map([
  [
    "session",
    "session intent: amount is a per-unit price over a payment channel, the total is not known upfront",
  ],
  ["subscription", "subscription intent: amount recurs every billing period"],
]);

export function mppOffers(challenges: readonly unknown[]): OfferBatch {
  const batch: OfferBatch = { offers: [], invalid: [] };
  if (challenges.length === 0) batch.invalid.push("mpp: challenges array is empty");
  challenges.forEach((raw, index) => {
    const result = mppOffer(raw);
    if (typeof result === "string") batch.invalid.push(`mpp challenge ${index}: ${result}`);
    else batch.offers.push(result);
  });
  return batch;
}

function mppOffer(raw: unknown): Offer | string {
  const parsed = MppChallengeSchema.safeParse(raw);
  if (!parsed.success) return "not a challenge (id, method, intent and request object are required)";
  const challenge = parsed.data;
  const request = challenge.request;
  const amount = parseBaseUnits(request.amount);
  if (amount === null) return "request.amount is not a base-unit integer string";
  if (typeof request.currency !== "string" || request.currency === "") return "request.currency is missing";
  let expiresAt: number | null = null;
  if (challenge.expires !== undefined) {
    expiresAt = parseRfc3339(challenge.expires);
    if (expiresAt === null) return "expires is not an RFC 3339 date-time";
  }
  const details = asRecord(request.methodDetails);
  const network = chainIdNetwork(details?.chainId);
  const asset = normalizeAsset(request.currency);
  const known = lookupAsset(challenge.method, network, asset);
  const decimals = mppDecimals(known?.decimals ?? null, details?.decimals);
  const unpayable =
    UNBUDGETABLE_INTENTS.get(challenge.intent) ??
    (challenge.intent === "charge"
      ? null
      : `intent "${challenge.intent}" is not one the gateway can budget`) ??
    (expiresAt === null ? "challenge has no expires: clients must not pay it" : null);
  return {
    protocol: "mpp",
    x402Version: null,
    method: challenge.method,
    intent: challenge.intent,
    network,
    asset,
    currency: known !== null && decimals !== null ? known.currency : null,
    decimals,
    amount,
    recipient: typeof request.recipient === "string" ? request.recipient : null,
    realm: challenge.realm ?? null,
    expiresAt,
    maxTimeoutSeconds: null,
    offerKey: challenge.id,
    payable: unpayable === null,
    unpayableReason: unpayable,
    raw,
  };
}

function chainIdNetwork(chainId: unknown): string | null {
  if (typeof chainId === "number" && Number.isSafeInteger(chainId) && chainId > 0) return `eip155:${chainId}`;
  if (typeof chainId === "string" && /^[1-9][0-9]{0,15}$/.test(chainId)) return `eip155:${chainId}`;
  return null;
}

/** evm challenges may state decimals; if they contradict our table the price is ambiguous: unknown. */
function mppDecimals(fromTable: number | null, fromWire: unknown): number | null {
  if (fromWire === undefined) return fromTable;
  if (typeof fromWire !== "number" || !Number.isInteger(fromWire) || fromWire < 0 || fromWire > 36)
    return null;
  return fromTable === null || fromTable === fromWire ? fromWire : null;
}

// upto: amount is the maximum the server may settle, so budgeting it is safe (the receipt says what settled).
const X402_SCHEMES = new Set(["exact", "upto"]);

export function x402Offers(
  paymentRequired: Record<string, unknown>,
  accepts: readonly unknown[],
): OfferBatch {
  const version = x402Version(paymentRequired.x402Version);
  const batch: OfferBatch = { offers: [], invalid: [] };
  if (accepts.length === 0) batch.invalid.push("x402: accepts array is empty");
  accepts.forEach((raw, index) => {
    const result = x402Offer(raw, version);
    if (typeof result === "string") batch.invalid.push(`x402 accepts ${index}: ${result}`);
    else batch.offers.push(result);
  });
  return batch;
}

/**
 * x402 v1 credentials echo no offer, only scheme, network and the authorization's `to`: the key is
 * made of exactly what both sides carry (the asset is bound by the signature's EIP-712 domain).
 */
export function x402v1OfferKey(scheme: string, network: string, payTo: string | null): string {
  return `x402v1|${scheme}|${network}|${(payTo ?? "").toLowerCase()}`;
}

function x402Offer(raw: unknown, version: 1 | 2 | null): Offer | string {
  const parsed = X402RequirementSchema.safeParse(raw);
  if (!parsed.success) return "not a payment requirement (scheme, network and asset are required)";
  const entry = parsed.data;
  const wireAmount =
    version === 1
      ? entry.maxAmountRequired
      : version === 2
        ? entry.amount
        : (entry.amount ?? entry.maxAmountRequired);
  const amount = parseBaseUnits(wireAmount);
  if (amount === null) return "amount is not a base-unit integer string";
  const asset = normalizeAsset(entry.asset);
  const payTo = entry.payTo ?? null;
  const offerKey = version === 1 ? x402v1OfferKey(entry.scheme, entry.network, payTo) : tryCanonicalJson(raw);
  if (offerKey === null) return "entry is not canonical JSON";
  const known = lookupAsset(entry.scheme, entry.network, asset);
  const timeout = entry.maxTimeoutSeconds;
  const unpayable = X402_SCHEMES.has(entry.scheme)
    ? null
    : `x402 scheme ${clip(entry.scheme)} is not one the gateway can budget`;
  return {
    protocol: "x402",
    x402Version: version,
    method: entry.scheme,
    intent: entry.scheme,
    network: entry.network,
    asset,
    currency: known?.currency ?? null,
    decimals: known?.decimals ?? null,
    amount,
    recipient: payTo,
    realm: null,
    expiresAt: null,
    maxTimeoutSeconds:
      typeof timeout === "number" && Number.isSafeInteger(timeout) && timeout >= 0 ? timeout : null,
    offerKey,
    payable: unpayable === null,
    unpayableReason: unpayable,
    raw,
  };
}

/** Server-chosen names quoted in reasons, bounded so a hostile server cannot bloat logs. */
function clip(name: string): string {
  return JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
}
