// Transactions: read the filters, scan the transactions service a page at a time (the amount range
// checked exactly in each row's currency), export CSV, show one row; the views are views/transactions.tsx.
import type { Hono } from "hono";
import { agentsByIds, listAgents } from "../../services/agents";
import type { TransactionView } from "../../services/schemas/activity";
import { getTransaction } from "../../services/transactions";
import { walletsByIds } from "../../services/wallets";
import { type DashContext, type DashEnv, view } from "../context";
import { parseFilter, scanTransactions, toCsv } from "../tx-filter";
import { TransactionPage, TransactionsPage } from "../views/transactions";

const PAGE = 50;
/** Agents offered by the filter: the org's first page of them. */
const AGENT_CHOICES = 200;

/** Names of the wallets these rows were paid from, read by id. */
async function walletNames(c: DashContext, rows: TransactionView[]): Promise<Map<string, string>> {
  const ids = rows.flatMap((t) => (t.walletId ? [t.walletId] : []));
  return new Map((await walletsByIds(c.env, c.get("session").orgId, ids)).map((w) => [w.id, w.name]));
}

export function transactionRoutes(app: Hono<DashEnv>) {
  app.get("/transactions", async (c) => {
    const v = view(c);
    const orgId = c.get("session").orgId;
    const f = parseFilter(c.req.query(), v.tz);
    const [choices, page] = await Promise.all([
      listAgents(c.env, orgId, { limit: AGENT_CHOICES }),
      f.error ? Promise.resolve({ rows: [], nextCursor: null }) : scanTransactions(c.env, orgId, f, PAGE, 10),
    ]);
    const shown = page.rows.flatMap((t) => (t.agentId ? [t.agentId] : []));
    const [named, wallets] = await Promise.all([
      agentsByIds(c.env, orgId, f.agentId ? [...shown, f.agentId] : shown),
      walletNames(c, page.rows),
    ]);
    const filtered = named.filter((a) => a.id === f.agentId && !choices.data.some((x) => x.id === a.id));
    const agents = [...choices.data, ...filtered];
    const qs = new URLSearchParams(f.params);
    const csvHref = `/dashboard/transactions.csv?${qs}`;
    if (page.nextCursor) qs.set("cursor", page.nextCursor);
    const nextHref = page.nextCursor ? `/dashboard/transactions?${qs}` : null;
    return c.html(
      <TransactionsPage
        v={v}
        f={f}
        agents={agents}
        names={new Map([...choices.data, ...named].map((a) => [a.id, a.name]))}
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
    const t = await getTransaction(c.env, c.get("session").orgId, c.req.param("id"));
    const wallets = await walletNames(c, [t]);
    return c.html(<TransactionPage v={view(c)} t={t} wallets={wallets} />);
  });
}
