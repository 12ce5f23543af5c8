// Builders for ledger tests: unique org ids per test, tx records, lines, and a far-future clock so
// the real alarm (which sweeps with Date.now()) never expires a test's reservations by itself.
import { env } from "cloudflare:workers";
import { ledgerFor } from "../../src/ledger/client";
import type { ScopeLine, TxRecord } from "../../src/ledger/types";

/** 2031-01-15T00:00:00Z, a Wednesday; later than any real clock these tests run under. */
export const T0 = Date.UTC(2031, 0, 15);

let seq = 0;
export function uid(prefix: string): string {
  seq += 1;
  return `${prefix}-${seq}-${crypto.randomUUID().slice(0, 8)}`;
}

export function newLedger(prefix = "org") {
  const orgId = uid(prefix);
  return { orgId, stub: ledgerFor(env, orgId) };
}

export function tx(orgId: string, id = uid("tx"), over: Partial<TxRecord> = {}): TxRecord {
  return {
    id,
    orgId,
    agentId: "agent-1",
    sessionId: null,
    tool: "search",
    upstreamId: "up-1",
    kind: "payment",
    amount: "100",
    currency: "USD",
    decimals: 6,
    vendor: "vendor.test",
    decision: "allow",
    shadow: false,
    reasonCode: null,
    reason: null,
    rules: [],
    status: "allowed",
    challengeId: null,
    approvalId: null,
    ...over,
  };
}

export function line(over: Partial<ScopeLine> & { key: string }): ScopeLine {
  return {
    label: over.key,
    window: "day",
    timeZone: "UTC",
    limit: "1000",
    amount: "100",
    unit: "USD",
    kind: "money",
    ...over,
  };
}
