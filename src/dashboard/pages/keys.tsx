// API keys: list, create (the secret is shown once, on the response page, never in a URL), revoke;
// the view is views/keys.tsx.
import type { Hono } from "hono";
import { agentsByIds, listAgents } from "../../services/agents";
import { createKey, listKeys, revokeKey } from "../../services/keys";
import type { KeyView } from "../../services/schemas/orgs";
import { CreateKeyBody } from "../../services/schemas/orgs";
import { validate } from "../../services/validate";
import { act, field, form, userFacing } from "../actions";
import { type DashContext, type DashEnv, setFlash, view } from "../context";
import { forgetKeyCheck } from "../session";
import { KeysPage } from "../views/keys";
import { nextPageHref } from "../views/pager";

/** Keys shown per page, and agents offered in the new-key form. */
const PAGE = 100;
const AGENT_CHOICES = 200;

async function keysPage(c: DashContext, created: (KeyView & { secret: string }) | null) {
  const { orgId, keyId } = c.get("session");
  const [keys, choices] = await Promise.all([
    listKeys(c.env, orgId, { cursor: c.req.query("cursor"), limit: PAGE }),
    listAgents(c.env, orgId, { limit: AGENT_CHOICES }),
  ]);
  const served = keys.data.flatMap((k) => (k.agentId ? [k.agentId] : []));
  const names = new Map((await agentsByIds(c.env, orgId, served)).map((a) => [a.id, a.name]));
  return c.html(
    <KeysPage
      v={view(c)}
      keys={keys.data}
      names={names}
      agents={choices.data}
      moreAgents={choices.nextCursor !== null}
      sessionKeyId={keyId}
      created={created}
      nextHref={nextPageHref("/dashboard/keys", keys.nextCursor)}
    />,
  );
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
