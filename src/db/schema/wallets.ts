import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { baseUnits, createdAt, id } from "./columns";

/**
 * An org's wallet: Tollgate pays upstream challenges with it for agents in `tollgate-pays` mode.
 * Its caps are ledger scopes (w:<walletId>:...) next to the mandate's, in one currency.
 */
export const wallets = sqliteTable(
  "wallets",
  {
    id: id(),
    orgId: text("org_id").notNull(),
    name: text("name").notNull(),
    status: text("status", { enum: ["active", "disabled"] })
      .notNull()
      .default("active"),
    /** The caps' unit: prices in other currencies count through the org's conversions. */
    capCurrency: text("cap_currency").notNull(),
    capDecimals: integer("cap_decimals").notNull(),
    capDaily: baseUnits("cap_daily"),
    capTotal: baseUnits("cap_total"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("wallets_org_name").on(t.orgId, t.name),
    index("wallets_org_time").on(t.orgId, t.createdAt, t.id),
  ],
);

/**
 * One way a wallet can pay (mpp-test, mpp-evm, x402-evm). The secret is an AES-GCM envelope under
 * the deployment's key-encryption key (wallets/secret-box.ts), bound to org, wallet and method ids;
 * it is written once and never read back by any API.
 */
export const walletMethods = sqliteTable(
  "wallet_methods",
  {
    id: id(),
    orgId: text("org_id").notNull(),
    walletId: text("wallet_id").notNull(),
    kind: text("kind", { enum: ["mpp-test", "mpp-evm", "x402-evm"] }).notNull(),
    /** The public address derived from the key (null for mpp-test). */
    address: text("address"),
    secret: text("secret").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("wallet_methods_wallet").on(t.walletId)],
);
