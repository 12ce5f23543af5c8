// API keys: list, create (the secret is shown once, on the response page, never in a URL), revoke.
import type { Hono } from "hono";
import { listAgents } from "../../services/agents";
import { createKey, listKeys, revokeKey } from "../../services/keys";
import type { KeyView } from "../../services/schemas/orgs";
import { CreateKeyBody } from "../../services/schemas/orgs";
import { validate } from "../../services/validate";
import { act, field, form, userFacing } from "../actions";
import { type DashContext, type DashEnv, setFlash, view } from "../context";
import { time } from "../format";
import { Csrf, Layout, SecretOnce } from "../layout";
import { forgetKeyCheck } from "../session";

async function keysPage(c: DashContext, created: (KeyView & { secret: string }) | null) {
  const v = view(c);
  const orgId = c.get("session").orgId;
  const [keys, agents] = await Promise.all([listKeys(c.env, orgId), listAgents(c.env, orgId)]);
  const names = new Map(agents.map((a) => [a.id, a.name]));
  return c.html(
    <Layout v={v} title="API keys">
      {created ? (
        <SecretOnce
          id="new-secret"
          title={`New ${created.scope} key created.`}
          note="Copy it now: it is not shown again."
          secret={created.secret}
        />
      ) : null}
      <div class="table-wrap">
        <table id="keys">
          <thead>
            <tr>
              <th scope="col">Prefix</th>
              <th scope="col">Name</th>
              <th scope="col">Scope</th>
              <th scope="col">Last used</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr data-key={k.id}>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{k.name}</td>
                <td>
                  {k.scope}
                  {k.agentId ? ` (${names.get(k.agentId) ?? k.agentId})` : ""}
                </td>
                <td>{time(k.lastUsedAt, v.tz)}</td>
                <td>
                  {k.revokedAt !== null ? (
                    <span class="status denied">revoked {time(k.revokedAt, v.tz)}</span>
                  ) : k.id === c.get("session").keyId ? (
                    <span class="muted">this session's key</span>
                  ) : (
                    <form method="post" action={`/dashboard/keys/${k.id}/revoke`} class="inline">
                      <Csrf token={v.csrf} />
                      <button type="submit" class="danger" aria-label={`Revoke key ${k.name || k.prefix}`}>
                        Revoke
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form method="post" action="/dashboard/keys" class="stack card" aria-labelledby="new-key-h">
        <h2 id="new-key-h">New key</h2>
        <Csrf token={v.csrf} />
        <label for="k-name">
          Name
          <input id="k-name" name="name" />
        </label>
        <label for="k-scope">
          Scope
          <select id="k-scope" name="scope">
            <option value="agent">agent (MCP, one agent)</option>
            <option value="org">org (MCP, any agent)</option>
            <option value="admin">admin (API and dashboard)</option>
          </select>
        </label>
        <label for="k-agent">
          Agent (for agent keys)
          <select id="k-agent" name="agentId">
            <option value="">—</option>
            {agents.map((a) => (
              <option value={a.id}>{a.name}</option>
            ))}
          </select>
        </label>
        <button type="submit">Create key</button>
      </form>
    </Layout>,
  );
}

export function keyRoutes(app: Hono<DashEnv>) {
  app.get("/keys", (c) => keysPage(c, null));

  app.post("/keys", async (c) => {
    const f = await form(c);
    try {
      const scope = field(f, "scope");
      const body = validate(
        CreateKeyBody,
        {
          scope,
          name: field(f, "name"),
          ...(scope === "agent" && field(f, "agentId") ? { agentId: field(f, "agentId") } : {}),
        },
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
