// Lists read about one page of rows however many the org holds and however deep the page: D1's own
// meta.rows_read for the statements the services run, over 20,000 transactions and 5,000 approvals.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../src/db/client";
import { listApprovals } from "../../src/services/approvals";
import { encodeCursor } from "../../src/services/pages";
import { committedPerDay, listTransactions } from "../../src/services/transactions";
import { recordingEnv, rowsRead } from "../helpers/d1-recorder";

const TXS = 20_000;
const APPROVALS = 5_000;
const T0 = 1_700_000_000_000;
const orgId = newId("org");
const agentId = newId("agt");

const counter = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)";

beforeAll(async () => {
  // One INSERT ... SELECT each (no row leaves D1); transaction i is at T0 + i, a committed 1.00 USD.
  await env.DB.batch([
    env.DB.prepare(
      `${counter} INSERT INTO transactions (id, org_id, agent_id, kind, decision, status, amount,
         committed_amount, currency, decimals, created_at, updated_at)
       SELECT printf('tx_%06d', i), ?, ?, 'payment', 'allow', 'committed', '100', '100', 'USD', 2,
         ? + i, ? + i FROM n`,
    ).bind(TXS, orgId, agentId, T0, T0),
    // Every approval consumed but the last three, which are pending.
    env.DB.prepare(
      `${counter} INSERT INTO approvals (id, org_id, agent_id, tool, args_hash, rule, status, expires_at, created_at)
       SELECT printf('apr_%06d', i), ?, ?, 't', 'h', 'r', CASE WHEN i > ? THEN 'pending' ELSE 'consumed' END,
         ? + i + 3600000, ? + i FROM n`,
    ).bind(APPROVALS, orgId, agentId, APPROVALS - 3, T0, T0),
  ]);
});

async function read<T>(work: (e: Env) => Promise<T>): Promise<{ value: T; rows: number }> {
  const rec = recordingEnv();
  const value = await work(rec.env);
  return { value, rows: await rowsRead(rec.seen) };
}

describe("pages read about a page of rows", () => {
  it("the newest page of 20,000 transactions, and a page from the middle", async () => {
    const first = await read((e) => listTransactions(e, orgId, { limit: 50 }));
    expect(first.value.data).toHaveLength(50);
    expect(first.value.data[0]?.id).toBe("tx_020000");
    // The page's rows plus their receipts, looked up by tx id (a few rows per transaction shown).
    expect(first.rows).toBeLessThan(300);
    const cursor = encodeCursor(T0 + 10_000, "tx_010000");
    const middle = await read((e) => listTransactions(e, orgId, { limit: 50, cursor }));
    expect(middle.value.data[0]?.id).toBe("tx_009999");
    expect(middle.value.nextCursor).not.toBeNull();
    expect(middle.rows).toBeLessThan(300);
  });

  it("a time range deep in the history", async () => {
    const range = { limit: 50, from: T0 + 5_000, to: T0 + 5_010 };
    const r = await read((e) => listTransactions(e, orgId, range));
    expect(r.value.data.map((t) => t.id)).toHaveLength(10);
    expect(r.rows).toBeLessThan(100);
  });

  it("three pending approvals among 5,000", async () => {
    const r = await read((e) => listApprovals(e, orgId, { status: "pending", limit: 100 }));
    expect(r.value.data.map((a) => a.id)).toEqual(["apr_005000", "apr_004999", "apr_004998"]);
    expect(r.rows).toBeLessThan(50);
  });

  it("the spend sums come back summed: no transaction row is returned", async () => {
    const starts = [T0, T0 + 10_001];
    const r = await read((e) => committedPerDay(e, orgId, [agentId], starts));
    expect(r.value).toEqual([
      { agentId, currency: "USD", decimals: 2, day: 0, amount: 1_000_000n },
      { agentId, currency: "USD", decimals: 2, day: 1, amount: 1_000_000n },
    ]);
  });

  it("sums amounts wider than SQLite's integers exactly (18-decimal tokens)", async () => {
    const whale = newId("agt");
    const big = ["123456789012345678901234567", "999999999999999999999999999", "1"];
    await env.DB.batch(
      big.map((amount, i) =>
        env.DB.prepare(
          `INSERT INTO transactions (id, org_id, agent_id, kind, decision, status, committed_amount,
             currency, decimals, created_at, updated_at)
           VALUES (?, ?, ?, 'payment', 'allow', 'committed', ?, 'ETH', 18, ?, ?)`,
        ).bind(newId("tx"), orgId, whale, amount, T0 + i, T0 + i),
      ),
    );
    const rows = await committedPerDay(env, orgId, [whale], [T0]);
    const exact = big.reduce((sum, a) => sum + BigInt(a), 0n);
    expect(rows).toEqual([{ agentId: whale, currency: "ETH", decimals: 18, day: 0, amount: exact }]);
  });
});
