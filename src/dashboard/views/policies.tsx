// Policies as the operator reads them: the versions, the editor with compile errors linked to their
// lines and the dry-run fields, the dry-run decision, the diff against the active version, and one version.
import type { AgentView } from "../../services/schemas/agents";
import type { PolicySummaryView, PolicyView } from "../../services/schemas/policies";
import type { ReplayView } from "../../services/schemas/replay";
import type { View } from "../context";
import { time } from "../format";
import { Checkbox, Input, Select, TextArea } from "./field";
import { Csrf, Layout } from "./layout";
import { CodeView, type CompileError, DiffView, type DryRun, DryRunResult } from "./policy-parts";
import { ReplayFields, ReplayResult } from "./replay";

export type EditorState = {
  source: string;
  errors: CompileError[];
  dry: Record<string, string>;
  dryRun: DryRun | null;
  message: string | null;
  /** The replay of this text over recorded calls ("what would this change do?"). */
  replay?: ReplayView | null;
};

type ActiveVersion = { version: number; source: string } | null;
type Agent = Pick<AgentView, "id" | "name">;

export function PoliciesPage(props: {
  v: View;
  s: EditorState;
  versions: PolicySummaryView[];
  agents: Agent[];
  active: ActiveVersion;
}) {
  const { v, s, active } = props;
  return (
    <Layout v={v} title="Policies">
      <Versions versions={props.versions} tz={v.tz} />
      <Editor csrf={v.csrf} s={s} agents={props.agents} />
      {s.errors.length > 0 ? <CodeView source={s.source} errors={s.errors} /> : null}
      {s.dryRun ? <DryRunResult r={s.dryRun} /> : null}
      {s.replay ? <ReplayResult r={s.replay} tz={v.tz} /> : null}
      {active && s.source !== active.source ? (
        <>
          <h2>Changes against the active version (v{active.version})</h2>
          <DiffView oldText={active.source} newText={s.source} />
        </>
      ) : null}
    </Layout>
  );
}

function Versions({ versions, tz }: { versions: PolicySummaryView[]; tz: string }) {
  if (versions.length === 0) return <p class="muted">No policy yet: every call is allowed by default.</p>;
  return (
    <div class="table-wrap">
      <table id="policy-versions">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Mode</th>
            <th scope="col">Created</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((p) => (
            <tr>
              <td>
                <a href={`/dashboard/policies/${p.id}`}>v{p.version}</a>
              </td>
              <td>{p.mode}</td>
              <td>{time(p.createdAt, tz)}</td>
              <td>{p.active ? <strong class="status allowed">active</strong> : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Editor({ csrf, s, agents }: { csrf: string; s: EditorState; agents: Agent[] }) {
  return (
    <form method="post" action="/dashboard/policies" class="card" aria-labelledby="editor-h">
      <h2 id="editor-h">Edit</h2>
      <Csrf token={csrf} />
      {s.message ? (
        <p class="flash error" role="alert" id="policy-error">
          {s.message}
        </p>
      ) : null}
      {s.errors.length > 0 ? <ErrorList errors={s.errors} /> : null}
      <TextArea
        id="policy-source"
        name="source"
        label="Policy (YAML or JSON)"
        class="policy"
        spellcheck={false}
        value={s.source}
        describedBy={s.errors.length > 0 ? "policy-errors" : undefined}
      />
      <p class="row">
        <Checkbox id="p-activate" name="activate" value="1" label="Activate on save" />
        <button type="submit" name="action" value="save">
          Validate and save
        </button>
      </p>
      <DryRunFields dry={s.dry} agents={agents} />
      <ReplayFields days={s.dry.replayDays || "7"} />
    </form>
  );
}

function ErrorList({ errors }: { errors: CompileError[] }) {
  return (
    <ol class="errors" id="policy-errors" aria-label="Policy errors">
      {errors.map((e) => (
        <li>
          <a href={e.line !== null ? `#L${e.line}` : "#policy-source"}>
            {e.line !== null ? `line ${e.line}:${e.column ?? 1}` : "document"}
          </a>{" "}
          {e.path ? <code>{e.path}</code> : null} {e.message}
        </li>
      ))}
    </ol>
  );
}

function DryRunFields({ dry, agents }: { dry: Record<string, string>; agents: Agent[] }) {
  return (
    <fieldset class="row">
      <legend>Dry run a sample call against this text</legend>
      <Input id="d-tool" name="dryTool" label="Tool" value={dry.dryTool ?? ""} />
      <Select
        id="d-agent"
        name="dryAgent"
        label="Agent (adds its mandate)"
        options={[{ value: "", label: "—" }, ...agents.map((a) => ({ value: a.id, label: a.name }))]}
        value={dry.dryAgent ?? ""}
      />
      <Input
        id="d-amount"
        name="dryAmount"
        label="Price"
        inputmode="decimal"
        value={dry.dryAmount ?? ""}
        size={9}
      />
      <Input
        id="d-currency"
        name="dryCurrency"
        label="Currency"
        value={dry.dryCurrency ?? ""}
        size={9}
        hint="USD when empty"
      />
      <Input id="d-args" name="dryArgs" label="Arguments (JSON)" value={dry.dryArgs ?? "{}"} />
      <button type="submit" name="action" value="dryrun" class="secondary">
        Dry run
      </button>
    </fieldset>
  );
}

export function PolicyPage({ v, p, active }: { v: View; p: PolicyView; active: ActiveVersion }) {
  return (
    <Layout v={v} title={`Policy version ${p.version}`}>
      <p>
        Mode {p.mode}; created {time(p.createdAt, v.tz)};{" "}
        {p.active ? <strong class="status allowed">active</strong> : "not active"}.{" "}
        <a href={`/dashboard/policies?from=${p.id}`}>Edit a copy</a>
      </p>
      {p.active ? null : (
        <form method="post" action={`/dashboard/policies/${p.id}/activate`}>
          <Csrf token={v.csrf} />
          <button type="submit">Activate version {p.version}</button>
        </form>
      )}
      {active && !p.active ? (
        <>
          <h2>Diff against the active version (v{active.version})</h2>
          <DiffView oldText={active.source} newText={p.source} />
        </>
      ) : null}
      <h2>Source</h2>
      <CodeView source={p.source} errors={[]} />
    </Layout>
  );
}
