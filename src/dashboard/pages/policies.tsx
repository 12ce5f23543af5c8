// Policies: edit YAML with compile errors shown at their line, dry-run a sample call, save versions,
// activate one, and compare any text with the active version as a line diff.
import type { Hono } from "hono";
import { AppError } from "../../errors";
import { normalizeCurrency } from "../../money";
import { listAgents } from "../../services/agents";
import { resolveDecimals, toBaseUnitString } from "../../services/money";
import {
  activatePolicy,
  activePolicyRow,
  createPolicy,
  evaluatePolicyDryRun,
  getPolicy,
  listPolicies,
} from "../../services/policies";
import type { AgentView } from "../../services/schemas/agents";
import type { PolicySummaryView } from "../../services/schemas/policies";
import { act, field, form, rawField, userFacing } from "../actions";
import { type DashContext, type DashEnv, setFlash, type View, view } from "../context";
import { time } from "../format";
import { Csrf, Layout } from "../layout";
import { CodeView, type CompileError, DiffView, type DryRun, DryRunResult } from "../policy-views";

const TEMPLATE =
  'version: "1"\ndescription: "My policy"\ndefault: allow\ntools:\n  "*":\n    rules:\n      - name: "daily budget"\n        spend:\n          daily: 50.00\n';

type EditorState = {
  source: string;
  errors: CompileError[];
  dry: Record<string, string>;
  dryRun: DryRun | null;
  message: string | null;
};

async function editorPage(c: DashContext, s: EditorState, status: 200 | 422 = 200) {
  const v = view(c);
  const orgId = c.get("session").orgId;
  const [versions, agents, active] = await Promise.all([
    listPolicies(c.env, orgId),
    listAgents(c.env, orgId),
    activePolicyRow(c.env, orgId),
  ]);
  return c.html(
    <Layout v={v} title="Policies">
      <Versions versions={versions} tz={v.tz} />
      <Editor v={v} s={s} agents={agents} />
      {s.errors.length > 0 ? <CodeView source={s.source} errors={s.errors} /> : null}
      {s.dryRun ? <DryRunResult r={s.dryRun} /> : null}
      {active && s.source !== active.source ? (
        <>
          <h2>Changes against the active version (v{active.version})</h2>
          <DiffView oldText={active.source} newText={s.source} />
        </>
      ) : null}
    </Layout>,
    status,
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

function Editor({ v, s, agents }: { v: View; s: EditorState; agents: AgentView[] }) {
  return (
    <form method="post" action="/dashboard/policies" class="card" aria-labelledby="editor-h">
      <h2 id="editor-h">Edit</h2>
      <Csrf token={v.csrf} />
      {s.message ? (
        <p class="flash error" role="alert" id="policy-error">
          {s.message}
        </p>
      ) : null}
      {s.errors.length > 0 ? (
        <ol class="errors" id="policy-errors" aria-label="Policy errors">
          {s.errors.map((e) => (
            <li>
              <a href={e.line !== null ? `#L${e.line}` : "#policy-source"}>
                {e.line !== null ? `line ${e.line}:${e.column ?? 1}` : "document"}
              </a>{" "}
              {e.path ? <code>{e.path}</code> : null} {e.message}
            </li>
          ))}
        </ol>
      ) : null}
      <label for="policy-source">Policy (YAML or JSON)</label>
      <textarea
        id="policy-source"
        name="source"
        class="policy"
        spellcheck={false}
        aria-describedby={s.errors.length > 0 ? "policy-errors" : undefined}
      >
        {s.source}
      </textarea>
      <p class="row">
        <label for="p-activate">
          <span>
            <input type="checkbox" id="p-activate" name="activate" value="1" /> Activate on save
          </span>
        </label>
        <button type="submit" name="action" value="save">
          Validate and save
        </button>
      </p>
      <fieldset class="row">
        <legend>Dry run a sample call against this text</legend>
        <label for="d-tool">
          Tool
          <input id="d-tool" name="dryTool" value={s.dry.dryTool ?? ""} />
        </label>
        <label for="d-agent">
          Agent (adds its mandate)
          <select id="d-agent" name="dryAgent">
            <option value="">—</option>
            {agents.map((a) => (
              <option value={a.id} selected={a.id === s.dry.dryAgent}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <label for="d-amount">
          Price
          <input id="d-amount" name="dryAmount" inputmode="decimal" value={s.dry.dryAmount ?? ""} size={9} />
        </label>
        <label for="d-currency">
          Currency
          <input id="d-currency" name="dryCurrency" value={s.dry.dryCurrency ?? ""} size={9} />
        </label>
        <label for="d-args">
          Arguments (JSON)
          <input id="d-args" name="dryArgs" value={s.dry.dryArgs ?? "{}"} />
        </label>
        <button type="submit" name="action" value="dryrun" class="secondary">
          Dry run
        </button>
      </fieldset>
    </form>
  );
}

function dryCall(f: Record<string, string>) {
  let args: unknown = {};
  try {
    args = f.dryArgs ? JSON.parse(f.dryArgs) : {};
  } catch {
    throw new AppError("VALIDATION_FAILED", 'Arguments must be JSON, like {"depth": "deep"}');
  }
  if (!f.dryTool) throw new AppError("VALIDATION_FAILED", "Give the tool to dry-run");
  let price: { amount: string; currency: string; decimals: number } | undefined;
  if (f.dryAmount) {
    const currency = normalizeCurrency(f.dryCurrency || "USD");
    const decimals = resolveDecimals(currency, undefined, "currency");
    price = { amount: toBaseUnitString(f.dryAmount, decimals, "price"), currency, decimals };
  }
  return {
    tool: f.dryTool,
    args,
    ...(f.dryAgent ? { agentId: f.dryAgent } : {}),
    ...(price ? { price } : {}),
  };
}

export function policyRoutes(app: Hono<DashEnv>) {
  app.get("/policies", async (c) => {
    const orgId = c.get("session").orgId;
    const from = c.req.query("from");
    const base = from ? await getPolicy(c.env, orgId, from) : await activePolicyRow(c.env, orgId);
    return editorPage(c, {
      source: base?.source ?? TEMPLATE,
      errors: [],
      dry: {},
      dryRun: null,
      message: null,
    });
  });

  app.post("/policies", async (c) => {
    const f = await form(c);
    const orgId = c.get("session").orgId;
    const source = rawField(f, "source").replace(/\r\n?/g, "\n");
    const dry: Record<string, string> = {};
    for (const k of ["dryTool", "dryAgent", "dryAmount", "dryCurrency", "dryArgs"]) dry[k] = field(f, k);
    const state: EditorState = { source, errors: [], dry, dryRun: null, message: null };
    try {
      if (field(f, "action") === "dryrun") {
        const r = await evaluatePolicyDryRun(
          c.env,
          orgId,
          { source, call: dryCall(dry), approved: false },
          Date.now(),
        );
        return editorPage(c, { ...state, dryRun: r as DryRun });
      }
      const p = await createPolicy(
        c.env,
        orgId,
        { source, activate: field(f, "activate") === "1" },
        Date.now(),
      );
      const saved = p.active
        ? `Saved and activated version ${p.version}.`
        : `Saved version ${p.version} (not active).`;
      const warned = p.warnings.map((w) => (w.path ? `${w.path}: ${w.message}` : w.message));
      setFlash(
        c,
        warned.length > 0 ? "error" : "ok",
        warned.length > 0 ? `${saved} Warnings: ${warned.join("; ")}` : saved,
      );
      return c.redirect(`/dashboard/policies/${p.id}`, 303);
    } catch (err) {
      if (!userFacing(err)) throw err;
      const details = Array.isArray(err.details) ? (err.details as CompileError[]) : [];
      const errors = details.filter((d) => d && typeof d.message === "string" && "line" in d);
      return editorPage(
        c,
        { ...state, errors, message: errors.length > 0 ? "The policy has errors:" : err.message },
        422,
      );
    }
  });

  app.get("/policies/:id", async (c) => {
    const v = view(c);
    const orgId = c.get("session").orgId;
    const [p, active] = await Promise.all([
      getPolicy(c.env, orgId, c.req.param("id")),
      activePolicyRow(c.env, orgId),
    ]);
    return c.html(
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
      </Layout>,
    );
  });

  app.post("/policies/:id/activate", (c) => {
    const id = c.req.param("id");
    return act(c, `/dashboard/policies/${id}`, async () => {
      const p = await activatePolicy(c.env, c.get("session").orgId, id);
      return `Version ${p.version} is now active.`;
    });
  });
}
