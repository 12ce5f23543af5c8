// The gateway's own (method | network, asset) -> currency + decimals table. Neither protocol carries decimals
// reliably, so an asset missing here has an unknown price and the caller must fail closed.

export type AssetInfo = { currency: string; decimals: number };

/** MPP methods whose ISO 4217 currencies are fiat minor units (stripe: "smallest currency unit"). */
const FIAT_METHODS = new Set(["stripe", "test"]);

/** Methods that settle TIP-20 tokens on Tempo; `test` is the mppx mock our demo server uses. */
const TEMPO_METHODS = new Set(["tempo", "test"]);
const TEMPO_NETWORKS = new Set(["eip155:4217", "eip155:42431"]);
const TIP20 = new Map<string, AssetInfo>([
  ["0x20c0000000000000000000000000000000000000", { currency: "PATHUSD", decimals: 6 }],
  ["0x20c000000000000000000000b9537d11c60e8b50", { currency: "USDC", decimals: 6 }],
]);

const USDC: AssetInfo = { currency: "USDC", decimals: 6 };
/** Keyed by "<CAIP-2 network> <asset>"; EVM addresses lowercased, Solana mints as-is (base58 is case-sensitive). */
const TOKENS = new Map<string, AssetInfo>([
  ["eip155:1 0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48", USDC],
  ["eip155:10 0x0b2c639c533813f4aa9d7837caf62653d097ff85", USDC],
  ["eip155:137 0x3c499c542cef5e3811e1192ce70d8cc03d5c3359", USDC],
  ["eip155:8453 0x833589fcd6edb6e08f4c7c32d4f71b54bda02913", USDC],
  ["eip155:84532 0x036cbd53842c5426634e7929541ec2318f3dcf7e", USDC],
  ["eip155:42161 0xaf88d065e77c8cc2239327c5edb3a432268e5831", USDC],
  ["eip155:43114 0xb97ef9ef8734c71904d8002f8b6bc66dd9c48a6e", USDC],
  ["solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", USDC],
]);

/** x402 v1 network names -> CAIP-2. */
const NETWORK_NAMES = new Map([
  ["ethereum", "eip155:1"],
  ["optimism", "eip155:10"],
  ["polygon", "eip155:137"],
  ["base", "eip155:8453"],
  ["base-sepolia", "eip155:84532"],
  ["arbitrum", "eip155:42161"],
  ["avalanche", "eip155:43114"],
  ["solana", "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp"],
]);

// ISO 4217 codes by minor units. ISK and MGA are left out on purpose: ISO and Stripe disagree on their
// minor units, so their price is unknown rather than off by 100x.
const ISO_0 = "bif clp djf gnf jpy kmf krw pyg rwf ugx vnd vuv xaf xof xpf";
const ISO_3 = "bhd iqd jod kwd lyd omr tnd";
const ISO_2 =
  "aed afn all amd aoa ars aud awg azn bam bbd bdt bgn bmd bnd bob brl bsd btn bwp byn bzd cad cdf chf " +
  "cny cop crc cup cve czk dkk dop dzd egp ern etb eur fjd fkp gbp gel ghs gip gmd gtq gyd hkd hnl htg " +
  "huf idr ils inr irr jmd kes kgs khr kpw kyd kzt lak lbp lkr lrd lsl mad mdl mkd mmk mnt mop mru mur " +
  "mvr mwk mxn myr mzn nad ngn nio nok npr nzd pab pen pgk php pkr pln qar ron rsd rub sar sbd scr sdg " +
  "sek sgd shp sle sos srd ssp stn svc syp szl thb tjs tmt top try ttd twd tzs uah usd uyu uzs ves wst " +
  "xcd xcg yer zar zmw zwg";
const FIAT_DECIMALS = new Map<string, number>([
  ...ISO_0.split(" ").map((code) => [code, 0] as const),
  ...ISO_2.split(" ").map((code) => [code, 2] as const),
  ...ISO_3.split(" ").map((code) => [code, 3] as const),
]);

const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** CAIP-2 form of a wire network (v1 names mapped); null when absent or unknown. */
export function caip2Network(network: string | null): string | null {
  if (network === null) return null;
  return NETWORK_NAMES.get(network) ?? (network.includes(":") ? network : null);
}

/** The asset as the gateway stores and compares it: EVM addresses lowercased, everything else as sent. */
export function normalizeAsset(asset: string): string {
  return EVM_ADDRESS.test(asset) ? asset.toLowerCase() : asset;
}

/**
 * Currency and decimals of `asset` paid through `method` (MPP method or x402 scheme) on `network`
 * (CAIP-2 or an x402 v1 name, null when the challenge names none). Null means unknown: fail closed.
 */
export function lookupAsset(method: string, network: string | null, asset: string): AssetInfo | null {
  const name = method.toLowerCase();
  // Only lowercase codes are fiat: that is the MPP wire form, and "USD" on an unknown method stays unknown.
  if (FIAT_METHODS.has(name) && /^[a-z]{3}$/.test(asset)) {
    const decimals = FIAT_DECIMALS.get(asset);
    return decimals === undefined ? null : { currency: asset.toUpperCase(), decimals };
  }
  if (name === "lightning") return asset === "sat" ? { currency: "SAT", decimals: 0 } : null;
  const caip = caip2Network(network);
  if (TEMPO_METHODS.has(name)) {
    if (!EVM_ADDRESS.test(asset) || (network !== null && (caip === null || !TEMPO_NETWORKS.has(caip)))) {
      return null;
    }
    return TIP20.get(asset.toLowerCase()) ?? null;
  }
  if (caip === null) return null;
  return TOKENS.get(`${caip} ${normalizeAsset(asset)}`) ?? null;
}
