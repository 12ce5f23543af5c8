// Policies: read the editor form, compile and save versions, dry-run a sample call against the text,
// activate a version, all through the policies service; the views are views/policies.tsx.
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
import { replayPolicy } from "../../services/replay";
import { act, type Form, field, form, rawField, userFacing } from "../actions";
import { type DashContext, type DashEnv, setFlash, view } from "../context";
import { type EditorState, PoliciesPage, PolicyPage } from "../views/policies";
import type { CompileError, DryRun } from "../views/policy-parts";
import { REPLAY_DAYS } from "../views/replay";

type App = Hono<DashEnv>;
/** Agents offered by the dry run: the org's first page of them. */
const AGENT_CHOICES = 200;

const TEMPLATE =
  'version: "1"\ndescription: "My policy"\ndefault: allow\ntools:\n  "*":\n    rules:\n      - name: "daily budget"\n        spend:\n          daily: 50.00\n';

const DRY_FIELDS = ["dryTool", "dryAgent", "dryAmount", "dryCurrency", "dryArgs", "replayDays"] as const;
const DAY_MS = 86_400_000;

async function editorPage(c: DashContext, s: EditorState, status: 200 | 422 = 200) {
  const orgId = c.get("session").orgId;
  const [versions, agents, active] = await Promise.all([
    listPolicies(c.env, orgId),
    listAgents(c.env, orgId, { limit: AGENT_CHOICES }),
    activePolicyRow(c.env, orgId),
  ]);
  return c.html(
    <PoliciesPage v={view(c)} s={s} versions={versions} agents={agents.data} active={active} />,
    status,
  );
}

/** The dry-run fields as a sample call; the price is read in major units of its currency (USD if none). */
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

/** The editor's text replayed over the last 1, 7 or 30 days; only the calls that flip are listed. */
function replayOf(c: DashContext, source: string, dry: Record<string, string>) {
  const days = (REPLAY_DAYS as readonly string[]).includes(dry.replayDays ?? "") ? Number(dry.replayDays) : 7;
  const to = Date.now();
  const body = { source, from: to - days * DAY_MS, to, onlyChanged: true, offset: 0, limit: 100 };
  return replayPolicy(c.env, c.get("session").orgId, body);
}

/** Saves a version and redirects to it; warnings make the flash an error so they are read. */
async function save(c: DashContext, f: Form, source: string): Promise<Response> {
  const p = await createPolicy(
    c.env,
    c.get("session").orgId,
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
}

function compileErrors(details: unknown): CompileError[] {
  const list = Array.isArray(details) ? (details as CompileError[]) : [];
  return list.filter((d) => d && typeof d.message === "string" && "line" in d);
}

function editorRoutes(app: App) {
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
    const source = rawField(f, "source").replace(/\r\n?/g, "\n");
    const dry: Record<string, string> = {};
    for (const k of DRY_FIELDS) dry[k] = field(f, k);
    const state: EditorState = { source, errors: [], dry, dryRun: null, message: null };
    try {
      if (field(f, "action") === "replay")
        return await editorPage(c, { ...state, replay: await replayOf(c, source, dry) });
      if (field(f, "action") !== "dryrun") return await save(c, f, source);
      const body = { source, call: dryCall(dry), approved: false };
      const r = await evaluatePolicyDryRun(c.env, c.get("session").orgId, body, Date.now());
      return await editorPage(c, { ...state, dryRun: r as DryRun });
    } catch (err) {
      if (!userFacing(err)) throw err;
      const errors = compileErrors(err.details);
      const message = errors.length > 0 ? "The policy has errors:" : err.message;
      return editorPage(c, { ...state, errors, message }, 422);
    }
  });
}

function versionRoutes(app: App) {
  app.get("/policies/:id", async (c) => {
    const orgId = c.get("session").orgId;
    const [p, active] = await Promise.all([
      getPolicy(c.env, orgId, c.req.param("id")),
      activePolicyRow(c.env, orgId),
    ]);
    return c.html(<PolicyPage v={view(c)} p={p} active={active} />);
  });

  app.post("/policies/:id/activate", (c) => {
    const id = c.req.param("id");
    return act(c, `/dashboard/policies/${id}`, async () => {
      const p = await activatePolicy(c.env, c.get("session").orgId, id);
      return `Version ${p.version} is now active.`;
    });
  });
}

export function policyRoutes(app: App) {
  editorRoutes(app);
  versionRoutes(app);
}
