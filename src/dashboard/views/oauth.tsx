// OAuth as the operator sees it: the consent page (which client, where the tokens go, which agent it
// acts as, which scopes) and the connected clients per agent with their revoke buttons.
// Everything about the client is client-chosen (DCR or a metadata document): JSX escapes it.
import type { ConnectedClient } from "../../services/oauth";
import type { View } from "../context";
import { time } from "../format";
import { Csrf, Layout } from "./layout";

type Agent = { id: string; name: string; status: string };

export type ConsentFacts = {
  clientName: string;
  /** The client's own domain, for a Client ID Metadata Document client (verified by its URL). */
  clientDomain: string | null;
  redirectHost: string;
  redirectIsLoopback: boolean;
  requested: string[];
};

export function ConsentPage(props: { v: View; facts: ConsentFacts; handle: string; agents: Agent[] }) {
  const { v, facts } = props;
  const governance = facts.requested.includes("tollgate:governance");
  return (
    <Layout v={v} title={`Connect ${facts.clientName}?`}>
      <div class="card" id="consent-client">
        <p>
          <strong id="consent-client-name">{facts.clientName}</strong>{" "}
          {facts.clientDomain ? (
            <span>
              is published by <strong id="consent-client-domain">{facts.clientDomain}</strong>.
            </span>
          ) : (
            <span>registered itself: its name is not verified.</span>
          )}
        </p>
        <p>
          Access will be sent to <strong id="consent-redirect">{facts.redirectHost}</strong>.
        </p>
        {facts.redirectIsLoopback ? (
          <p class="flash error" role="alert" id="consent-loopback">
            This sends access to an app on this computer. Continue only if you just started connecting from
            it.
          </p>
        ) : null}
      </div>
      <form method="post" action="/dashboard/oauth/authorize" class="stack" id="consent-form">
        <Csrf token={v.csrf} />
        <input type="hidden" name="handle" value={props.handle} />
        <label for="consent-agent">Acts as</label>
        <select id="consent-agent" name="agent" required>
          {props.agents
            .filter((a) => a.status === "active")
            .map((a) => (
              <option value={a.id}>{`agent ${a.name} (within its mandate)`}</option>
            ))}
          <option value="org">the whole org (org-wide access, as an org key)</option>
        </select>
        <fieldset>
          <legend>Scopes</legend>
          <label>
            <input type="checkbox" checked disabled /> Use tools within the agent's mandate (tollgate:tools)
          </label>
          <label>
            <input type="checkbox" name="scope" value="tollgate:governance" checked={governance} /> Governance
            tools: budgets, pending approvals (tollgate:governance)
          </label>
        </fieldset>
        <p>
          <button type="submit" name="decision" value="approve" id="consent-allow">
            Allow
          </button>{" "}
          <button type="submit" name="decision" value="deny" id="consent-deny">
            Deny
          </button>
        </p>
      </form>
      <p class="muted">
        The client gets a token that expires within the hour and is refreshed; revoke it any time under
        Connected apps. Upstream credentials never leave Tollgate.
      </p>
    </Layout>
  );
}

export function ConsentErrorPage(props: { v: View; message: string }) {
  return (
    <Layout v={props.v} title="This app cannot connect">
      <p class="flash error" role="alert" id="consent-error">
        {props.message}
      </p>
      <p>Nothing was granted. Start connecting again from the app.</p>
    </Layout>
  );
}

export function ConnectedPage(props: { v: View; agents: Agent[]; clients: ConnectedClient[] }) {
  const { v } = props;
  const names = new Map(props.agents.map((a) => [a.id, a.name]));
  return (
    <Layout v={v} title="Connected apps">
      <p class="muted">MCP clients connected with OAuth, by the agent they act as.</p>
      {props.clients.length === 0 ? (
        <p id="connected-empty">No app is connected.</p>
      ) : (
        <div class="table-wrap">
          <table id="connected">
            <thead>
              <tr>
                <th scope="col">App</th>
                <th scope="col">Acts as</th>
                <th scope="col">Scopes</th>
                <th scope="col">Connected</th>
                <th scope="col">Revoke</th>
              </tr>
            </thead>
            <tbody>
              {props.clients.map((g) => (
                <tr>
                  <td>{g.clientName}</td>
                  <td>{g.agentId ? (names.get(g.agentId) ?? g.agentId) : "whole org"}</td>
                  <td>{g.scope.join(" ")}</td>
                  <td>{time(g.createdAt, v.tz)}</td>
                  <td>
                    <form
                      method="post"
                      action={`/dashboard/connected/${g.agentId ?? "org"}/${g.grantId}/revoke`}
                    >
                      <Csrf token={v.csrf} />
                      <button type="submit">Revoke</button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
