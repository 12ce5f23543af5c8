// `_meta["tollgate/receipt"]` on a result: the id of the signed receipt the ledger chains for the
// decision that let this call through (docs/decisions/0033-receipts.md). Errors are left as they are.
import { receiptIdFor } from "../ledger/receipts";

export const RECEIPT_META_KEY = "tollgate/receipt";

export function withReceipt<M>(message: M, txId: string): M {
  if (message === null || typeof message !== "object" || !("result" in message)) return message;
  const result = message.result;
  if (result === null || typeof result !== "object" || Array.isArray(result)) return message;
  const meta = "_meta" in result && result._meta && typeof result._meta === "object" ? result._meta : {};
  return { ...message, result: { ...result, _meta: { ...meta, [RECEIPT_META_KEY]: receiptIdFor(txId) } } };
}
