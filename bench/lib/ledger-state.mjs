// Reads the tenant ledgers' own SQLite files under a `wrangler dev` persist dir (read-only, after the
// load): the most direct view of holds, since the ledger's RPCs (and the admin API's balances) first
// expire due holds and so never show one that outlived its expiry. Needs node:sqlite (Node 22).
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

const LEDGER_DIR = "v3/do/tollgate-TenantLedger";

async function openDb(file) {
  const { DatabaseSync } = await import("node:sqlite");
  // workerd writes these files meanwhile (the expiry alarm, the outbox): wait out its locks.
  return new DatabaseSync(file, { readOnly: true, timeout: 5_000 });
}

/** One consistent read of one object's file, retried while workerd holds a lock on it. */
async function readFile(file, now) {
  for (let attempt = 1; ; attempt++) {
    const db = await openDb(file);
    try {
      db.exec("BEGIN");
      const state = readOne(db, now);
      db.exec("COMMIT");
      return state;
    } catch (err) {
      if (attempt >= 10 || !/locked|busy/i.test(err.message)) throw err;
    } finally {
      db.close();
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * One entry per ledger object: { org, active, activeIds, pastExpiry: [{ id, expiresAt }], latestExpiry,
 * reservedDrift: [{ key, instance, bucket, holds }], outboxPending }. `reservedDrift` lists
 * buckets whose `reserved` differs from the sum of the active holds on them (verify()'s rule for holds).
 */
export async function readLedgers(persist, now) {
  const dir = path.join(persist, LEDGER_DIR);
  if (!existsSync(dir)) return [];
  const out = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite")) {
    out.push(await readFile(path.join(dir, file), now));
  }
  return out;
}

function readOne(db, now) {
  const org = db.prepare("SELECT name FROM __miniflare_do_name").get()?.name ?? null;
  const active = db.prepare("SELECT id, expires_at, lines FROM reservations WHERE status = 'active'").all();
  const holds = new Map();
  for (const r of active) {
    for (const l of JSON.parse(r.lines)) {
      const k = `${l.scope_key}\u0000${l.instance}`;
      holds.set(k, (holds.get(k) ?? 0n) + BigInt(l.amount));
    }
  }
  const reservedDrift = [];
  for (const b of db.prepare("SELECT scope_key, instance, reserved FROM buckets").all()) {
    const k = `${b.scope_key}\u0000${b.instance}`;
    const held = holds.get(k) ?? 0n;
    if (BigInt(b.reserved) !== held)
      reservedDrift.push({ key: b.scope_key, instance: b.instance, bucket: b.reserved, holds: String(held) });
  }
  const outbox = db.prepare("SELECT count(*) AS n FROM txs WHERE rev > flushed_rev AND audit = 1").get();
  return {
    org,
    active: active.length,
    activeIds: active.map((r) => r.id),
    pastExpiry: active.filter((r) => r.expires_at <= now).map((r) => ({ id: r.id, expiresAt: r.expires_at })),
    latestExpiry: active.reduce((m, r) => Math.max(m, r.expires_at), 0) || null,
    reservedDrift,
    outboxPending: outbox.n,
  };
}
