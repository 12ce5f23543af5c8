// API keys: list, create (the secret is shown once, on the response page, never in a URL), revoke;
// the view is views/keys.tsx.
import type { Hono } from "hono";
import { listAgents } from "../../services/agents";
import { createKey, listKeys, revokeKey } from "../../services/keys";
import type { KeyView } from "../../services/schemas/orgs";
import { CreateKeyBody } from "../../services/schemas/orgs";
import { validate } from "../../services/validate";
import { act, field, form, userFacing } from "../actions";
import { type DashContext, type DashEnv, setFlash, view } from "../context";
import { forgetKeyCheck } from "../session";
import { KeysPage } from "../views/keys";

async function keysPage(c: DashContext, created: (KeyView & { secret: string }) | null) {
  const { orgId, keyId } = c.get("session");
  const [keys, agents] = await Promise.all([listKeys(c.env, orgId), listAgents(c.env, orgId)]);
  return c.html(<KeysPage v={view(c)} keys={keys} agents={agents} sessionKeyId={keyId} created={created} />);
}

export function keyRoutes(app: Hono<DashEnv>) {
  app.get("/keys", (c) => keysPage(c, null));

  app.post("/keys", async (c) => {
    const f = await form(c);
    try {
      const scope = field(f, "scope");
      const agentId = scope === "agent" ? field(f, "agentId") : "";
      const body = validate(
        CreateKeyBody,
        { scope, name: field(f, "name"), ...(agentId ? { agentId } : {}) },
        "form",
      );
      return await keysPage(c, await createKey(c.env, c.get("session").orgId, body, Date.now()));
    } catch (err) {
      if (!userFacing(err)) throw err;
      setFlash(c, "error", err.message);
      return c.redirect("/dashboard/keys", 303);
    }
  });

  app.post("/keys/:id/revoke", (c) => {
    const orgId = c.get("session").orgId;
    return act(c, "/dashboard/keys", async () => {
      const k = await revokeKey(c.env, orgId, c.req.param("id"), Date.now());
      forgetKeyCheck(orgId, k.id);
      return `Revoked key ${k.prefix}….`;
    });
  });
}
