// A wallet's own spend caps as ledger lines, reserved with the call's other lines so a wallet can
// never pay past its day or total cap however many agents share it. Pure: the price, the wallet's
// caps and the org's conversions in, lines (or why the price cannot be counted) out.
import type { ConversionTable } from "../money";
import type { ScopeLine } from "../policy";
import { keyPart } from "../policy/keys";
import { priceIn, showMoney } from "../policy/spend";

export type WalletCaps = { currency: string; decimals: number; daily: string | null; total: string | null };
export type CapLines = { ok: true; lines: ScopeLine[] } | { ok: false; message: string };

export function walletCapLines(
  wallet: { id: string; name: string; caps: WalletCaps },
  price: { amount: bigint; currency: string; decimals: number },
  conversions: ConversionTable,
): CapLines {
  const { caps } = wallet;
  if (caps.daily === null && caps.total === null) return { ok: true, lines: [] };
  const counted = priceIn(price, { code: caps.currency, decimals: caps.decimals }, conversions);
  // A price the caps cannot count in their own currency is refused, never let through uncounted.
  if (!counted.ok) return { ok: false, message: `wallet "${wallet.name}" caps: ${counted.error}` };
  const b = counted.amount;
  const line = (field: "daily" | "total", limit: string): ScopeLine => ({
    key: `w:${keyPart(wallet.id)}:${field}:${b.unit}`,
    label: `wallet ${wallet.name}: ${field} cap ${showMoney(BigInt(limit), b)}`,
    window: field === "daily" ? "day" : "total",
    timeZone: "UTC",
    limit,
    amount: b.value.toString(),
    unit: b.unit,
    kind: "money",
  });
  const lines: ScopeLine[] = [];
  if (caps.daily !== null) lines.push(line("daily", caps.daily));
  if (caps.total !== null) lines.push(line("total", caps.total));
  return { ok: true, lines };
}
