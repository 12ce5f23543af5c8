// Routes: the audit export (JSONL of signed receipts) and the org's receipt signing keys.
import { exportReceipts, rotateReceiptKey, signingKeys } from "../../services/receipts";
import { listOf } from "../../services/schemas/common";
import { ExportQuery, SigningKeyView } from "../../services/schemas/receipts";
import { type AdminApp, adminRoute, ok } from "../define";

const getExport = adminRoute({
  method: "get",
  path: "/audit/export",
  tag: "audit",
  access: "org",
  summary:
    "Signed receipts decided in [from, to) (at most 31 days) as JSONL, in chain order; check offline with `npx tollgate verify`",
  request: { query: ExportQuery },
  responses: {
    200: {
      description:
        "application/x-ndjson, one receipt per line: id, chain, seq, txId, status, kid, hash, prevHash, decidedAt, jws",
    },
  },
});

const getKeys = adminRoute({
  method: "get",
  path: "/signing-keys",
  tag: "audit",
  access: "org",
  summary: "The org's receipt signing keys (public halves), active and retired",
  responses: ok(listOf(SigningKeyView)),
});

const rotateKeys = adminRoute({
  method: "post",
  path: "/signing-keys/rotate",
  tag: "audit",
  access: "org",
  summary: "Retire the active signing key (it stays in the JWKS) and create a new one",
  responses: ok(listOf(SigningKeyView)),
  errors: [503],
});

export function auditRoutes(app: AdminApp): void {
  app.openapi(getExport, async (c) => {
    const stream = exportReceipts(c.env, c.var.orgId, c.req.valid("query"));
    return c.body(stream, 200, { "content-type": "application/x-ndjson; charset=utf-8" });
  });
  app.openapi(getKeys, async (c) => c.json({ data: await signingKeys(c.env, c.var.orgId) }, 200));
  app.openapi(rotateKeys, async (c) =>
    c.json({ data: await rotateReceiptKey(c.env, c.var.orgId, c.var.now) }, 200),
  );
}
