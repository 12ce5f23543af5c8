// An amount as the operator reads it ("3.00 pathUSD"), with the exact base units on hover.
import { exactUnits, type Money, money } from "../format";

export function Amount({ m }: { m: Money | null | undefined }) {
  if (!m) return <>—</>;
  return (
    <span class="amount" title={exactUnits(m)}>
      {money(m)}
    </span>
  );
}
