// Decides when a budget scope crosses its warning threshold or its limit (pure, bigint arithmetic).
// Fires on the crossing only; the ledger owner dedupes once per window on top of this.

export type ThresholdInput = {
  /** The scope's limit in base units (or calls for count scopes). */
  limit: bigint | string;
  /** committed + reserved before the change. */
  before: bigint | string;
  /** committed + reserved after the change. */
  after: bigint | string;
  /** Integer percent in [1, 100]; default 80. */
  thresholdPercent?: number;
};

export type ThresholdCrossing = { warning: boolean; exhausted: boolean };

const toBig = (v: bigint | string, name: string): bigint => {
  if (typeof v === "bigint") return v;
  if (!/^-?(0|[1-9][0-9]*)$/.test(v)) throw new RangeError(`${name} must be an integer string`);
  return BigInt(v);
};

/**
 * warning: usage went from below `thresholdPercent`% of the limit to at or above it.
 * exhausted: usage went from below the limit to at or above it. One change can fire both; a
 * decrease (release) never fires; a zero limit never fires (there is nothing to warn about).
 */
export function budgetThresholdCrossings(input: ThresholdInput): ThresholdCrossing {
  const pct = input.thresholdPercent ?? 80;
  if (!Number.isInteger(pct) || pct < 1 || pct > 100)
    throw new RangeError("thresholdPercent must be an integer in [1, 100]");
  const limit = toBig(input.limit, "limit");
  const before = toBig(input.before, "before");
  const after = toBig(input.after, "after");
  if (limit <= 0n || after <= before) return { warning: false, exhausted: false };
  const p = BigInt(pct);
  // used / limit >= pct / 100  <=>  used * 100 >= limit * pct (exact, no division).
  const atWarning = (used: bigint) => used * 100n >= limit * p;
  return {
    warning: !atWarning(before) && atWarning(after),
    exhausted: before < limit && after >= limit,
  };
}
