// The reserve decision and balance reads: all-or-nothing holds across every line of a call, checked
// as committed + reserved + amount <= limit in each line's current window instance.

import type { z } from "zod";
import { canonicalJson, sha256HexSync } from "./canonical";
import { bindOffers } from "./claim";
import { chainReceipt, type ReceiptBalance } from "./receipts";
import type { Balance, DeniedScope, ReserveResult } from "./results";
import { type Bucket, type Delta, type Instance, instanceFor, type LedgerStore } from "./store";
import type { ParsedBalanceLine, ParsedScopeLine, ReserveInput } from "./types";

type Reserve = z.output<typeof ReserveInput>;

export function balanceOf(line: ParsedBalanceLine, inst: Instance, b: Bucket): Balance {
  return {
    key: line.key,
    label: line.label,
    window: line.window,
    unit: line.unit,
    limit: line.limit,
    committed: b.committed.toString(),
    reserved: b.reserved.toString(),
    remaining: (BigInt(line.limit) - b.committed - b.reserved).toString(),
    windowStart: inst.windowStart,
    windowEnd: inst.windowEnd,
  };
}

export function balancesOp(store: LedgerStore, lines: ParsedBalanceLine[], now: number): Balance[] {
  return lines.map((line) => {
    const inst = instanceFor(line, now);
    return balanceOf(line, inst, store.bucket(line.key, inst.instance));
  });
}

function receiptBalance(b: Balance, inst: Instance): ReceiptBalance {
  const { key, window, unit, limit, committed, reserved, remaining } = b;
  return { key, window, instance: inst.instance, unit, limit, committed, reserved, remaining };
}

function deniedScope(line: ParsedScopeLine, inst: Instance, b: Bucket): DeniedScope {
  const used = b.committed + b.reserved;
  const remaining = BigInt(line.limit) - used;
  return {
    key: line.key,
    label: line.label,
    window: line.window,
    unit: line.unit,
    limit: line.limit,
    used: used.toString(),
    remaining: (remaining > 0n ? remaining : 0n).toString(),
    resetsAt: inst.windowEnd,
  };
}

/**
 * Decide and apply one reservation. The caller has already swept expired holds and checked
 * idempotency; this either holds every line or touches none and records the denial.
 */
export function reserveOp(store: LedgerStore, input: Reserve, caps?: (bigint | null)[]): ReserveResult {
  const { lines, now, tx } = input;
  const audit = input.audit !== false;
  const insts = lines.map((l) => instanceFor(l, now));
  const buckets = lines.map((l, i) => store.bucket(l.key, insts[i]!.instance));

  // Soft lines (a shadow-mode policy's) are held and counted, never refused.
  const refusing = lines.findIndex((l, i) => {
    const b = buckets[i]!;
    // A shard of a sharded org decides a shared line against its lease (shard-reserve.ts).
    return !l.soft && b.committed + b.reserved + BigInt(l.amount) > (caps?.[i] ?? BigInt(l.limit));
  });
  if (refusing >= 0) {
    const line = lines[refusing]!;
    const scope = deniedScope(line, insts[refusing]!, buckets[refusing]!);
    store.insertTx(
      {
        ...tx,
        status: "denied",
        decision: "deny",
        reasonCode: "budget_exceeded",
        reason: `${line.label || line.key}: ${line.window} limit ${line.limit} ${line.unit}, used ${scope.used}, requested ${line.amount}`,
      },
      now,
      null,
      audit,
    );
    store.journal("deny", tx.id, now, [], { key: line.key, instance: insts[refusing]!.instance });
    const balances = lines.map((l, i) => balanceOf(l, insts[i]!, buckets[i]!));
    chainReceipt(
      store,
      tx.id,
      now,
      null,
      balances.map((b, i) => receiptBalance(b, insts[i]!)),
    );
    return { ok: false, reason: "budget_exceeded", scope, balances };
  }

  const expiresAt = now + input.ttlMs;
  store.insertReservation(
    tx.id,
    now,
    expiresAt,
    lines.map((l, i) => ({
      scope_key: l.key,
      instance: insts[i]!.instance,
      label: l.label,
      window: l.window,
      unit: l.unit,
      kind: l.kind,
      window_start: insts[i]!.windowStart,
      window_end: insts[i]!.windowEnd,
      limit_at_reserve: l.limit,
      amount: l.amount,
      overage: l.overage,
      overdraft_limit: l.overdraftLimit,
    })),
  );
  const deltas: Delta[] = lines.map((l, i) => ({
    scopeKey: l.key,
    instance: insts[i]!.instance,
    reserved: BigInt(l.amount),
  }));
  const after = store.applyDeltas(
    lines.map((l, i) => ({ window: l.window, inst: insts[i]!, delta: deltas[i]! })),
  );
  const balances = lines.map((l, i) => balanceOf(l, insts[i]!, after[i]!));
  store.journal("reserve", tx.id, now, deltas);
  store.insertTx({ ...tx, status: "reserved" }, now, tx.id, audit);
  if (input.bind) bindOffers(store, tx.id, input.bind, now);
  return { ok: true, reservationId: tx.id, expiresAt, balances };
}

/**
 * The idempotency fingerprint: SHA-256 of every parameter but the key and `now`. Parsed zod output
 * has a fixed key order (defaults filled), so JSON.stringify is canonical for everything but the
 * free-form rules; `audit: true` is the default, so it hashes like an omitted flag.
 */
export function reserveFingerprint(input: Reserve): string {
  const { idempotencyKey: _key, now: _now, ...params } = input;
  return sha256HexSync(
    JSON.stringify({
      ...params,
      tx: { ...params.tx, rules: canonicalJson(params.tx.rules) },
      audit: params.audit === false ? false : undefined,
    }),
  );
}

function conflict(message: string): ReserveResult {
  return { ok: false, reason: "idempotency_conflict", message };
}

/**
 * Reserve under an idempotency key: the same key and fingerprint return the first answer, another
 * fingerprint or an already used tx id is a conflict. The caller has swept expired holds.
 */
export function reserveOnce(
  store: LedgerStore,
  input: Reserve,
  hash: string,
  caps?: (bigint | null)[],
): ReserveResult {
  const { idempotencyKey, now, tx } = input;
  // One read for both checks. Every reservation, denial and record has a txs row, so the txs
  // lookup covers all three.
  const prior = store.sql
    .exec<{ params_hash: string | null; response: string | null; tx_exists: number }>(
      `SELECT i.params_hash, i.response, EXISTS (SELECT 1 FROM txs WHERE id = ?2) AS tx_exists
       FROM (SELECT 1) LEFT JOIN idempotency i ON i.key = ?1`,
      idempotencyKey,
      tx.id,
    )
    .one();
  if (prior.params_hash !== null) {
    if (prior.params_hash === hash) return JSON.parse(prior.response!) as ReserveResult;
    return conflict(`idempotency key ${idempotencyKey} was used with different parameters`);
  }
  if (prior.tx_exists) return conflict(`tx id ${tx.id} already exists under another idempotency key`);
  const answer = reserveOp(store, input, caps);
  store.sql.exec(
    "INSERT INTO idempotency (key, params_hash, tx_id, response, created_at) VALUES (?, ?, ?, ?, ?)",
    idempotencyKey,
    hash,
    tx.id,
    JSON.stringify(answer),
    now,
  );
  return answer;
}
