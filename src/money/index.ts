// Public surface of the money core: exact decimals, the currency registry and conversion.
export {
  type Conversion,
  ConversionSchema,
  type ConversionTable,
  ConversionTableSchema,
  type ConvertResult,
  checkRate,
  convert,
  type Money,
} from "./convert";
export {
  currencyDecimals,
  currencyDisplayCode,
  currencyKind,
  currencyPeg,
  isKnownCurrency,
  knownCurrencies,
  normalizeCurrency,
} from "./currency";
export {
  compareDecimal,
  type Decimal,
  formatAmount,
  formatDecimal,
  normalize,
  type ParseResult,
  parseDecimal,
  parseExactDecimal,
  parseNonNegativeDecimal,
  pow10,
  rescale,
  toBaseUnits,
} from "./decimal";
export { displayDecimals, formatMajor, formatMoney } from "./display";
