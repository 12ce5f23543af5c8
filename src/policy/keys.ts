// Ledger scope keys. They must be stable across deploys and recompiles: the ledger counts against them.
// Policy keys are org-wide ("p:"), mandate keys per agent ("a:<agentId>:"), session keys carry the session id.

/** Escapes the separator so a ":" inside a tool or rule name cannot forge another key. */
const escaped = new Map<string, string>();
export function keyPart(text: string): string {
  let out = escaped.get(text);
  if (out === undefined) {
    out = text.replace(/%/g, "%25").replace(/:/g, "%3A");
    if (escaped.size >= 10_000) escaped.clear();
    escaped.set(text, out);
  }
  return out;
}

export function moneyUnit(currency: string, decimals: number): string {
  return `${currency}/${decimals}`;
}

/** The inverse of moneyUnit; null for count units ("calls", "count/6" is not money). */
export function parseMoneyUnit(unit: string): { currency: string; decimals: number } | null {
  const m = /^(.+)\/(\d+)$/.exec(unit);
  return m && !m[1]!.startsWith("count") ? { currency: m[1]!, decimals: Number(m[2]) } : null;
}

export function policySpendKey(
  scope: string,
  rule: string,
  field: string,
  unit: string,
  session?: string,
): string {
  const s = session === undefined ? "" : `:${keyPart(session)}`;
  return `p:${keyPart(scope)}:${keyPart(rule)}:spend:${field}${s}:${unit}`;
}

export function policyCounterKey(scope: string, counter: string, window: string): string {
  return `p:${keyPart(scope)}:state:${keyPart(counter)}:${window}`;
}

export function mandateBudgetKey(agentId: string, field: string, unit: string): string {
  return `a:${keyPart(agentId)}:budget:${field}:${unit}`;
}

export function mandateRateKey(agentId: string, window: string): string {
  return `a:${keyPart(agentId)}:rate:${window}`;
}

/** Calls without an MCP session share one bucket per scope, which is the stricter choice. */
export const NO_SESSION = "_nosession";
