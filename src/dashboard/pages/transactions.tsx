// Transactions: read the filters, scan the transactions service a page at a time (the amount range
// checked exactly in each row's currency), export CSV, show one row; the views are views/transactions.tsx.
import type { Hono } from "hono";
import { listAgents } from "../../services/agents";
import { getTransaction } from "../../services/transactions";
import { listWallets } from "../../services/wallets";
import { type DashContext, type DashEnv, view } from "../context";
import { parseFilter, scanTransactions, toCsv } from "../tx-filter";
import { TransactionPage, TransactionsPage } from "../views/transactions";

const PAGE = 50;

async function walletNames(c: DashContext): Promise<Map<string, string>> {
  return new Map((await listWallets(c.env, c.get("session").orgId)).map((w) => [w.id, w.name]));
}

export function transactionRoutes(app: Hono<DashEnv>) {
  app.get("/transactions", async (c) => {
    const v = view(c);
    const orgId = c.get("session").orgId;
    const f = parseFilter(c.req.query(), v.tz);
    const [agents, wallets, page] = await Promise.all([
      listAgents(c.env, orgId),
      walletNames(c),
      f.error ? Promise.resolve({ rows: [], nextCursor: null }) : scanTransactions(c.env, orgId, f, PAGE, 10),
    ]);
    const qs = new URLSearchParams(f.params);
    const csvHref = `/dashboard/transactions.csv?${qs}`;
    if (page.nextCursor) qs.set("cursor", page.nextCursor);
    const nextHref = page.nextCursor ? `/dashboard/transactions?${qs}` : null;
    return c.html(
      <TransactionsPage
        v={v}
        f={f}
        agents={agents}
        wallets={wallets}
        rows={page.rows}
        csvHref={csvHref}
        nextHref={nextHref}
      />,
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
    const [t, wallets] = await Promise.all([
      getTransaction(c.env, c.get("session").orgId, c.req.param("id")),
      walletNames(c),
    ]);
    return c.html(<TransactionPage v={view(c)} t={t} wallets={wallets} />);
  });
}
