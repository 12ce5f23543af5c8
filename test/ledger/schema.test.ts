// Schema upgrades keep live state: a database as release v2 left it (lines in reservation_lines)
// is upgraded on the next start (through v5's journal rebuild), and its reservations still settle
// and verify.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ledgerFor } from "../../src/ledger/client";
import { LEDGER_SCHEMA_VERSION, migrate } from "../../src/ledger/schema";
import { line, newLedger, T0, tx } from "./helpers";

describe("schema upgrade", () => {
  it("moves v2 reservation_lines into reservations.lines, in line order", async () => {
    const { orgId, stub } = newLedger();
    const t = tx(orgId, "tx-v2", { status: "reserved" });
    const dayStart = Date.UTC(2031, 0, 15);
    await runInDurableObject(stub, (_i, state) => {
      const sql = state.storage.sql;
      // Rebuild this object's database as schema v2, with one active reservation of two lines.
      const tables = sql
        .exec<{ name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
        )
        .toArray();
      for (const { name } of tables) sql.exec(`DROP TABLE ${name}`);
      migrate(state.storage, 2);
      sql.exec(
        "INSERT INTO reservations (id, status, created_at, expires_at) VALUES (?, 'active', ?, ?)",
        t.id,
        T0,
        T0 + 60_000,
      );
      const insertLine = `INSERT INTO reservation_lines (reservation_id, idx, scope_key, instance, label, window, unit,
        kind, window_start, window_end, limit_at_reserve, amount, overage, overdraft_limit)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'reject', '0')`;
      // Inserted out of order: idx, not insertion order, decides the line order.
      sql.exec(
        insertLine,
        t.id,
        1,
        "total",
        "total",
        "total",
        "total",
        "call",
        "count",
        null,
        null,
        "10",
        "1",
      );
      sql.exec(
        insertLine,
        t.id,
        0,
        "day",
        `day:${dayStart}`,
        "day",
        "day",
        "USD",
        "money",
        dayStart,
        dayStart + 86_400_000,
        "1000",
        "300",
      );
      sql.exec(
        `INSERT INTO buckets (scope_key, instance, window, window_start, window_end, committed, reserved, debt)
         VALUES ('day', ?, 'day', ?, ?, '0', '300', '0'), ('total', 'total', 'total', NULL, NULL, '0', '1', '0')`,
        `day:${dayStart}`,
        dayStart,
        dayStart + 86_400_000,
      );
      sql.exec(
        "INSERT INTO journal (at, op, ref, deltas) VALUES (?, 'reserve', ?, ?)",
        T0,
        t.id,
        JSON.stringify([
          ["day", `day:${dayStart}`, "300", "0", "0"],
          ["total", "total", "1", "0", "0"],
        ]),
      );
      sql.exec(
        "INSERT INTO txs (id, record, status, reservation_id, created_at, updated_at) VALUES (?, ?, 'reserved', ?, ?, ?)",
        t.id,
        JSON.stringify(t),
        t.id,
        T0,
        T0,
      );
    });
    await evictDurableObject(stub);

    const fresh = ledgerFor(env, orgId);
    expect(await fresh.getReservation({ reservationId: t.id })).toMatchObject({
      status: "active",
      lines: [
        { key: "day", kind: "money", amount: "300", windowStart: dayStart },
        { key: "total", kind: "count", amount: "1", windowStart: null },
      ],
    });
    expect(await fresh.verify()).toEqual({ ok: true });
    expect(
      await fresh.commit({ reservationId: t.id, now: T0 + 1_000, actualAmounts: { day: "250" } }),
    ).toMatchObject({
      ok: true,
      lines: [
        { key: "day", charged: "250" },
        { key: "total", charged: "1" },
      ],
    });
    expect(
      (await fresh.balances({ lines: [line({ key: "day", limit: "1000" })], now: T0 + 2_000 }))[0],
    ).toMatchObject({ committed: "250", reserved: "0" });
    expect(await fresh.verify()).toEqual({ ok: true });
    const state = await runInDurableObject(fresh, (_i, s) => ({
      version: s.storage.sql.exec<{ version: number }>("SELECT version FROM ledger_schema").one().version,
      oldTable: s.storage.sql
        .exec("SELECT name FROM sqlite_master WHERE name = 'reservation_lines'")
        .toArray().length,
      // v5: the journal lost AUTOINCREMENT, kept its rows in order, and is still append-only.
      journalSql: s.storage.sql
        .exec<{ sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'journal'")
        .one().sql,
      journal: s.storage.sql
        .exec<{ seq: number; op: string }>("SELECT seq, op FROM journal ORDER BY seq")
        .toArray(),
      appendOnly: (() => {
        try {
          s.storage.sql.exec("DELETE FROM journal");
          return false;
        } catch {
          return true;
        }
      })(),
    }));
    expect(state).toMatchObject({ version: LEDGER_SCHEMA_VERSION, oldTable: 0, appendOnly: true });
    expect(state.journalSql).not.toMatch(/AUTOINCREMENT/i);
    expect(state.journal).toEqual([
      { seq: 1, op: "reserve" },
      { seq: 2, op: "commit" },
    ]);
  });
});
