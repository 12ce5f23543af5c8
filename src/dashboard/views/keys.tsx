// API keys as the operator reads them: the list with revoke buttons (none for the session's own key),
// the create form, and a new key's secret shown once on the response page.
import type { KeyView } from "../../services/schemas/orgs";
import type { View } from "../context";
import { time } from "../format";
import { Input, Select } from "./field";
import { Csrf, Layout, SecretOnce } from "./layout";
import { NextPage } from "./pager";

type Agent = { id: string; name: string };

export function KeysPage(props: {
  v: View;
  keys: KeyView[];
  /** Names of the agents the listed keys serve. */
  names: ReadonlyMap<string, string>;
  /** The agents offered for a new agent key: the org's first page of them. */
  agents: Agent[];
  moreAgents: boolean;
  sessionKeyId: string;
  created: (KeyView & { secret: string }) | null;
  nextHref: string | null;
}) {
  const { v, created, names } = props;
  return (
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
            {props.keys.map((k) => (
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
                  <KeyState k={k} own={k.id === props.sessionKeyId} v={v} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <NextPage href={props.nextHref} label="Older keys" />
      <NewKeyForm csrf={v.csrf} agents={props.agents} more={props.moreAgents} />
    </Layout>
  );
}

function KeyState({ k, own, v }: { k: KeyView; own: boolean; v: View }) {
  if (k.revokedAt !== null) return <span class="status denied">revoked {time(k.revokedAt, v.tz)}</span>;
  if (own) return <span class="muted">this session's key</span>;
  return (
    <form method="post" action={`/dashboard/keys/${k.id}/revoke`} class="inline">
      <Csrf token={v.csrf} />
      <button type="submit" class="danger" aria-label={`Revoke key ${k.name || k.prefix}`}>
        Revoke
      </button>
    </form>
  );
}

const SCOPES = [
  { value: "agent", label: "agent (MCP, one agent)" },
  { value: "org", label: "org (MCP, any agent)" },
  { value: "admin", label: "admin (API and dashboard)" },
];

function NewKeyForm({ csrf, agents, more }: { csrf: string; agents: Agent[]; more: boolean }) {
  return (
    <form method="post" action="/dashboard/keys" class="stack card" aria-labelledby="new-key-h">
      <h2 id="new-key-h">New key</h2>
      <Csrf token={csrf} />
      <Input id="k-name" name="name" label="Name" />
      <Select id="k-scope" name="scope" label="Scope" options={SCOPES} />
      <Select
        id="k-agent"
        name="agentId"
        label="Agent (for agent keys)"
        hint={
          more
            ? `The first ${agents.length} agents; create keys for the others with the admin API.`
            : undefined
        }
        options={[{ value: "", label: "—" }, ...agents.map((a) => ({ value: a.id, label: a.name }))]}
      />
      <button type="submit">Create key</button>
    </form>
  );
}
