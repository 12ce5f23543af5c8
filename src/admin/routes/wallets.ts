// Routes: org wallets for tollgate-pays mode. Method secrets are write-only: no route returns one.
import { z } from "@hono/zod-openapi";
import { Deleted, PageQuery, paged } from "../../services/schemas/common";
import {
  AddMethodBody,
  CreateWalletBody,
  UpdateWalletBody,
  WalletView,
} from "../../services/schemas/wallets";
import {
  addMethod,
  createWallet,
  deleteMethod,
  deleteWallet,
  getWallet,
  listWallets,
  rotateWalletSecrets,
  updateWallet,
} from "../../services/wallets";
import { type AdminApp, adminRoute, body, created, ok } from "../define";

const WalletParams = z.object({ walletId: z.string() });
const MethodParams = z.object({ walletId: z.string(), methodId: z.string() });

const postWallet = adminRoute({
  method: "post",
  path: "/wallets",
  tag: "wallets",
  access: "org",
  summary: "Create a wallet with its spend caps (per UTC day, total)",
  request: { body: body(CreateWalletBody) },
  responses: created(WalletView),
  errors: [409],
});

const getWallets = adminRoute({
  method: "get",
  path: "/wallets",
  tag: "wallets",
  access: "org",
  summary:
    "List wallets, oldest first, a page at a time, with their payment methods (kinds and addresses, never secrets)",
  request: { query: PageQuery },
  responses: ok(paged(WalletView)),
});

const getWalletRoute = adminRoute({
  method: "get",
  path: "/wallets/{walletId}",
  tag: "wallets",
  access: "org",
  summary: "Read a wallet",
  request: { params: WalletParams },
  responses: ok(WalletView),
  errors: [404],
});

const patchWallet = adminRoute({
  method: "patch",
  path: "/wallets/{walletId}",
  tag: "wallets",
  access: "org",
  summary: "Rename, disable or re-cap a wallet",
  request: { params: WalletParams, body: body(UpdateWalletBody) },
  responses: ok(WalletView),
  errors: [404, 409],
});

const deleteWalletRoute = adminRoute({
  method: "delete",
  path: "/wallets/{walletId}",
  tag: "wallets",
  access: "org",
  summary: "Delete a wallet no agent pays with",
  request: { params: WalletParams },
  responses: ok(Deleted),
  errors: [404, 409],
});

const postMethod = adminRoute({
  method: "post",
  path: "/wallets/{walletId}/methods",
  tag: "wallets",
  access: "org",
  summary: "Add a payment method; its secret is sealed at once and never returned",
  request: { params: WalletParams, body: body(AddMethodBody) },
  responses: created(WalletView),
  errors: [404, 503],
});

const deleteMethodRoute = adminRoute({
  method: "delete",
  path: "/wallets/{walletId}/methods/{methodId}",
  tag: "wallets",
  access: "org",
  summary: "Remove a payment method (its sealed secret is deleted)",
  request: { params: MethodParams },
  responses: ok(WalletView),
  errors: [404],
});

const rotateRoute = adminRoute({
  method: "post",
  path: "/wallets/rotate-secrets",
  tag: "wallets",
  access: "deployment",
  summary: "Re-seal every wallet secret under the current WALLET_KEK key (docs/wallets.md)",
  responses: ok(z.object({ rotated: z.number().int(), failed: z.number().int() })),
  errors: [503],
});

export function deploymentWalletRoutes(app: AdminApp): void {
  app.openapi(rotateRoute, async (c) => c.json(await rotateWalletSecrets(c.env), 200));
}

export function walletRoutes(app: AdminApp): void {
  app.openapi(postWallet, async (c) =>
    c.json(await createWallet(c.env, c.var.orgId, c.req.valid("json"), c.var.now), 201),
  );
  app.openapi(getWallets, async (c) =>
    c.json(await listWallets(c.env, c.var.orgId, c.req.valid("query")), 200),
  );
  app.openapi(getWalletRoute, async (c) =>
    c.json(await getWallet(c.env, c.var.orgId, c.req.valid("param").walletId), 200),
  );
  app.openapi(patchWallet, async (c) =>
    c.json(await updateWallet(c.env, c.var.orgId, c.req.valid("param").walletId, c.req.valid("json")), 200),
  );
  app.openapi(deleteWalletRoute, async (c) =>
    c.json(await deleteWallet(c.env, c.var.orgId, c.req.valid("param").walletId), 200),
  );
  app.openapi(postMethod, async (c) => {
    const { walletId } = c.req.valid("param");
    return c.json(await addMethod(c.env, c.var.orgId, walletId, c.req.valid("json"), c.var.now), 201);
  });
  app.openapi(deleteMethodRoute, async (c) => {
    const { walletId, methodId } = c.req.valid("param");
    return c.json(await deleteMethod(c.env, c.var.orgId, walletId, methodId), 200);
  });
}
