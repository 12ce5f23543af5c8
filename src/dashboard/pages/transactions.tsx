// Transactions: read the filters, scan the transactions service a page at a time (the amount range
// checked exactly in each row's currency), export CSV, show one row; the views are views/transactions.tsx.
import type { Hono } from "hono";
import { listAgents } from "../../services/agents";
import { getTransaction } from "../../services/transactions";
import { type DashEnv, view } from "../context";
import { parseFilter, scanTransactions, toCsv } from "../tx-filter";
import { TransactionPage, TransactionsPage } from "../views/transactions";

const PAGE = 50;

export function transactionRoutes(app: Hono<DashEnv>) {
  app.get("/transactions", async (c) => {
    const v = view(c);
    const orgId = c.get("session").orgId;
    const f = parseFilter(c.req.query(), v.tz);
    const [agents, page] = await Promise.all([
      listAgents(c.env, orgId),
      f.error ? Promise.resolve({ rows: [], nextCursor: null }) : scanTransactions(c.env, orgId, f, PAGE, 10),
    ]);
    const qs = new URLSearchParams(f.params);
    const csvHref = `/dashboard/transactions.csv?${qs}`;
    if (page.nextCursor) qs.set("cursor", page.nextCursor);
    const nextHref = page.nextCursor ? `/dashboard/transactions?${qs}` : null;
    return c.html(
      <TransactionsPage v={v} f={f} agents={agents} rows={page.rows} csvHref={csvHref} nextHref={nextHref} />,
    );
  });

  // Machine-readable: every decimal of each amount, the currency code as stored.
  app.get("/transactions.csv", async (c) => {
    const f = parseFilter(c.req.query(), c.get("tz"));
    const page = f.error ? { rows: [] } : await scanTransactions(c.env, c.get("session").orgId, f, 5000, 50);
    return c.body(toCsv(page.rows), 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": 'attachment; filename="transactions.csv"',
    });
  });

  app.get("/transactions/:id", async (c) => {
    const t = await getTransaction(c.env, c.get("session").orgId, c.req.param("id"));
    return c.html(<TransactionPage v={view(c)} t={t} />);
  });
}
