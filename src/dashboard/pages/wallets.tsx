// Wallets: list, create with caps, add a payment method (its key goes to the wallets service, which
// seals it at once; no response or flash ever carries it), remove one, disable or enable; the view is
// views/wallets.tsx.
import type { Hono } from "hono";
import { AppError } from "../../errors";
import { AddMethodBody, CreateWalletBody, UpdateWalletBody } from "../../services/schemas/wallets";
import { validate } from "../../services/validate";
import { addMethod, createWallet, deleteMethod, listWallets, updateWallet } from "../../services/wallets";
import { act, type Form, field, form } from "../actions";
import { type DashEnv, view } from "../context";
import { nextPageHref } from "../views/pager";
import { METHOD_KIND_OPTIONS, WalletsPage } from "../views/wallets";

type App = Hono<DashEnv>;
const BACK = "/dashboard/wallets";
const PAGE = 50;

/** The create form as the API body: an empty cap is no cap. */
function walletInput(f: Form) {
  const opt = (k: string) => (field(f, k) ? { [k]: field(f, k) } : {});
  return {
    name: field(f, "name"),
    caps: { currency: field(f, "currency"), ...opt("daily"), ...opt("total") },
  };
}

/**
 * The add-method form as the API body. The key is never part of a message: a malformed one is
 * refused with the schema's own wording (which names the field, not the value).
 */
function methodInput(f: Form) {
  const kind = field(f, "kind");
  if (!METHOD_KIND_OPTIONS.some((o) => o.value === kind))
    throw new AppError("BAD_REQUEST", "Choose a payment method kind");
  if (kind === "mpp-test") return validate(AddMethodBody, { secret: { kind } }, "payment method");
  const key = field(f, "privateKey");
  const privateKey = /^[0-9a-fA-F]{64}$/.test(key) ? `0x${key}` : key;
  return validate(AddMethodBody, { secret: { kind, privateKey } }, "payment method");
}

function walletListRoutes(app: App) {
  app.get("/wallets", async (c) => {
    const page = await listWallets(c.env, c.get("session").orgId, {
      cursor: c.req.query("cursor"),
      limit: PAGE,
    });
    const nextHref = nextPageHref("/dashboard/wallets", page.nextCursor);
    return c.html(<WalletsPage v={view(c)} wallets={page.data} nextHref={nextHref} />);
  });

  app.post("/wallets", async (c) => {
    const f = await form(c);
    return act(c, BACK, async () => {
      const body = validate(CreateWalletBody, walletInput(f), "form");
      const w = await createWallet(c.env, c.get("session").orgId, body, Date.now());
      return `Created wallet ${w.name}.`;
    });
  });

  app.post("/wallets/:id/status", async (c) => {
    const f = await form(c);
    return act(c, BACK, async () => {
      const body = validate(UpdateWalletBody, { status: field(f, "status") }, "form");
      const w = await updateWallet(c.env, c.get("session").orgId, c.req.param("id"), body);
      return w.status === "disabled" ? `Disabled wallet ${w.name}.` : `Enabled wallet ${w.name}.`;
    });
  });
}

function methodRoutes(app: App) {
  app.post("/wallets/:id/methods", async (c) => {
    const f = await form(c);
    return act(c, BACK, async () => {
      const body = methodInput(f);
      const now = Date.now();
      const w = await addMethod(c.env, c.get("session").orgId, c.req.param("id"), body, now);
      const m = w.methods.filter((x) => x.createdAt === now).at(-1);
      return `Added ${body.secret.kind} to ${w.name}${m?.address ? ` (address ${m.address})` : ""}.`;
    });
  });

  app.post("/wallets/:id/methods/:methodId/delete", (c) =>
    act(c, BACK, async () => {
      const orgId = c.get("session").orgId;
      const w = await deleteMethod(c.env, orgId, c.req.param("id"), c.req.param("methodId"));
      return `Removed the payment method from ${w.name}.`;
    }),
  );
}

export function walletRoutes(app: App) {
  walletListRoutes(app);
  methodRoutes(app);
}
