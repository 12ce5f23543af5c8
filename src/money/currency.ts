// Currency registry: ISO 4217 fiat codes with their minor units, and the tokens paid MCP servers price in.
// Codes are case-insensitive on input and always handled upper-case.

// ISO 4217 minor units (active codes). Anything not listed here is unknown and refused by callers.
const FIAT: Readonly<Record<string, number>> = {
  AED: 2,
  AFN: 2,
  ALL: 2,
  AMD: 2,
  ANG: 2,
  AOA: 2,
  ARS: 2,
  AUD: 2,
  AWG: 2,
  AZN: 2,
  BAM: 2,
  BBD: 2,
  BDT: 2,
  BGN: 2,
  BHD: 3,
  BIF: 0,
  BMD: 2,
  BND: 2,
  BOB: 2,
  BRL: 2,
  BSD: 2,
  BTN: 2,
  BWP: 2,
  BYN: 2,
  BZD: 2,
  CAD: 2,
  CDF: 2,
  CHF: 2,
  CLF: 4,
  CLP: 0,
  CNY: 2,
  COP: 2,
  CRC: 2,
  CUP: 2,
  CVE: 2,
  CZK: 2,
  DJF: 0,
  DKK: 2,
  DOP: 2,
  DZD: 2,
  EGP: 2,
  ERN: 2,
  ETB: 2,
  EUR: 2,
  FJD: 2,
  FKP: 2,
  GBP: 2,
  GEL: 2,
  GHS: 2,
  GIP: 2,
  GMD: 2,
  GNF: 0,
  GTQ: 2,
  GYD: 2,
  HKD: 2,
  HNL: 2,
  HTG: 2,
  HUF: 2,
  IDR: 2,
  ILS: 2,
  INR: 2,
  IQD: 3,
  IRR: 2,
  ISK: 0,
  JMD: 2,
  JOD: 3,
  JPY: 0,
  KES: 2,
  KGS: 2,
  KHR: 2,
  KMF: 0,
  KPW: 2,
  KRW: 0,
  KWD: 3,
  KYD: 2,
  KZT: 2,
  LAK: 2,
  LBP: 2,
  LKR: 2,
  LRD: 2,
  LSL: 2,
  LYD: 3,
  MAD: 2,
  MDL: 2,
  MGA: 2,
  MKD: 2,
  MMK: 2,
  MNT: 2,
  MOP: 2,
  MRU: 2,
  MUR: 2,
  MVR: 2,
  MWK: 2,
  MXN: 2,
  MYR: 2,
  MZN: 2,
  NAD: 2,
  NGN: 2,
  NIO: 2,
  NOK: 2,
  NPR: 2,
  NZD: 2,
  OMR: 3,
  PAB: 2,
  PEN: 2,
  PGK: 2,
  PHP: 2,
  PKR: 2,
  PLN: 2,
  PYG: 0,
  QAR: 2,
  RON: 2,
  RSD: 2,
  RUB: 2,
  RWF: 0,
  SAR: 2,
  SBD: 2,
  SCR: 2,
  SDG: 2,
  SEK: 2,
  SGD: 2,
  SHP: 2,
  SLE: 2,
  SOS: 2,
  SRD: 2,
  SSP: 2,
  STN: 2,
  SVC: 2,
  SYP: 2,
  SZL: 2,
  THB: 2,
  TJS: 2,
  TMT: 2,
  TND: 3,
  TOP: 2,
  TRY: 2,
  TTD: 2,
  TWD: 2,
  TZS: 2,
  UAH: 2,
  UGX: 0,
  USD: 2,
  UYI: 0,
  UYU: 2,
  UYW: 4,
  UZS: 2,
  VES: 2,
  VND: 0,
  VUV: 0,
  WST: 2,
  XAF: 0,
  XCD: 2,
  XOF: 0,
  XPF: 0,
  YER: 2,
  ZAR: 2,
  ZMW: 2,
  ZWG: 2,
};

// Tokens: decimals as deployed on their main chains (USDC/USDT 6 on EVM, Tempo TIP-20 stablecoins 6).
const TOKENS: Readonly<Record<string, number>> = {
  USDC: 6,
  USDT: 6,
  EURC: 6,
  PYUSD: 6,
  USDG: 6,
  PATHUSD: 6,
  ALPHAUSD: 6,
  BETAUSD: 6,
  THETAUSD: 6,
  DAI: 18,
  USDS: 18,
  ETH: 18,
  WETH: 18,
  POL: 18,
  MATIC: 18,
  AVAX: 18,
  BNB: 18,
  BTC: 8,
  WBTC: 8,
  SAT: 0,
  MSAT: 0,
  SOL: 9,
  LAMPORT: 0,
};

// How people write a token's code (its issuer's spelling, where it is not all capitals) and the fiat
// currency a stablecoin tracks. Read only for display: codes are still compared upper-case.
const TOKEN_DISPLAY: Readonly<Record<string, { code?: string; peg?: string }>> = {
  USDC: { peg: "USD" },
  USDT: { peg: "USD" },
  EURC: { peg: "EUR" },
  PYUSD: { peg: "USD" },
  USDG: { peg: "USD" },
  PATHUSD: { code: "pathUSD", peg: "USD" },
  ALPHAUSD: { code: "AlphaUSD", peg: "USD" },
  BETAUSD: { code: "BetaUSD", peg: "USD" },
  THETAUSD: { code: "ThetaUSD", peg: "USD" },
  DAI: { peg: "USD" },
  USDS: { peg: "USD" },
  SAT: { code: "sat" },
  MSAT: { code: "msat" },
  LAMPORT: { code: "lamport" },
};

export type CurrencyKind = "fiat" | "token";

export function normalizeCurrency(code: string): string {
  return code.trim().toUpperCase();
}

/** Decimals (minor-unit digits) of a known currency, or null when the code is unknown. */
export function currencyDecimals(code: string): number | null {
  const c = normalizeCurrency(code);
  if (Object.hasOwn(FIAT, c)) return FIAT[c] ?? null;
  if (Object.hasOwn(TOKENS, c)) return TOKENS[c] ?? null;
  return null;
}

export function currencyKind(code: string): CurrencyKind | null {
  const c = normalizeCurrency(code);
  if (Object.hasOwn(FIAT, c)) return "fiat";
  if (Object.hasOwn(TOKENS, c)) return "token";
  return null;
}

/** The code as people write it: "pathUSD", "USDC", "EUR"; unknown codes upper-cased. */
export function currencyDisplayCode(code: string): string {
  const c = normalizeCurrency(code);
  return (Object.hasOwn(TOKEN_DISPLAY, c) ? TOKEN_DISPLAY[c]?.code : undefined) ?? c;
}

/** The fiat currency a stablecoin tracks ("USD" for USDC and pathUSD), or null. */
export function currencyPeg(code: string): string | null {
  const c = normalizeCurrency(code);
  return (Object.hasOwn(TOKEN_DISPLAY, c) ? TOKEN_DISPLAY[c]?.peg : undefined) ?? null;
}

export function isKnownCurrency(code: string): boolean {
  return currencyDecimals(code) !== null;
}

export function knownCurrencies(): string[] {
  return [...Object.keys(FIAT), ...Object.keys(TOKENS)].sort();
}
