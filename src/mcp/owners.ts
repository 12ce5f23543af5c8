// With several upstreams, resources and prompts belong to the upstream that listed them. Lists are
// merged a page at a time (list-cursor.ts carries each upstream's own cursor), prompt names prefixed
// like tools, and a resource URI or template an earlier upstream also lists is namespaced
// (`tollgate+<namespace>:<uri>`, resource-uris.ts). resources/read, subscribe, unsubscribe, prompts/get
// and completion/complete go to the owner only, with the upstream's own name or URI; a URI no upstream
// lists (exactly or by a template) goes nowhere. What each upstream listed is remembered per isolate.
import {
  type JsonRpcId,
  type JsonRpcRequest,
  RPC,
  rpcError,
  rpcResult,
  upstreamRpcError,
} from "../protocol/jsonrpc";
import type { Tenant } from "../services/tenant";
import { TtlCache } from "../ttl-cache";
import { fetchList, fetchPage, LIST_METHOD, type ListedItem, type ListKind } from "../upstream/lists";
import { namespacedUri, needsNamespace, readUri, templateMatches } from "../upstream/resource-uris";
import { exposed, resolveName } from "../upstream/tool-names";
import { forwardOptions, type GatewayCtx } from "./context";
import { type PageState, readCursor, signCursor } from "./list-cursor";

type TenantUpstream = Tenant["upstreams"][number];
/**
 * `body` goes to `upstream`; `named` (when given) is the request as policies name it: a resource by
 * the one URI the agent is shown for it, so a namespaced spelling of a plain URI dodges no rule.
 */
export type Owned =
  | { upstream: TenantUpstream; body: JsonRpcRequest; named?: JsonRpcRequest }
  | { error: string }
  | null;

export const LIST_KINDS: Record<string, ListKind> = {
  "resources/list": "resources",
  "resources/templates/list": "resourceTemplates",
  "prompts/list": "prompts",
};
const OWNED_TTL_MS = 30_000;
/** upstream id | kind -> the names, URIs or templates it listed lately (pages seen, or all of them). */
const owned = new TtlCache<string, ReadonlySet<string>>(OWNED_TTL_MS, 5_000);
/** upstream id | kind whose whole list was read lately: an unknown name does not read it again. */
const complete = new TtlCache<string, true>(OWNED_TTL_MS, 5_000);

function keyOf(item: ListedItem, kind: ListKind): string | undefined {
  return kind === "prompts" ? item.name : kind === "resources" ? item.uri : item.uriTemplate;
}

function known(u: TenantUpstream, kind: ListKind): ReadonlySet<string> | undefined {
  return owned.get(`${u.id}|${kind}`, Date.now());
}

function remember(u: TenantUpstream, kind: ListKind, keys: string[], replace: boolean): void {
  const before = replace ? [] : [...(known(u, kind) ?? [])];
  owned.set(`${u.id}|${kind}`, new Set([...before, ...keys]), Date.now());
}

/** Reads the whole lists of `upstreams` not read lately (an unreachable one cannot serve anyway). */
async function readWhole(g: GatewayCtx, kinds: ListKind[], upstreams: TenantUpstream[]): Promise<void> {
  const todo = upstreams.flatMap((u) =>
    kinds.filter((k) => !complete.get(`${u.id}|${k}`, Date.now())).map((k) => [u, k] as const),
  );
  await Promise.all(
    todo.map(async ([u, kind]) => {
      const r = await fetchList(u, kind, forwardOptions(g, u.id));
      if ("error" in r) return;
      const items = "items" in r ? r.items : [];
      remember(
        u,
        kind,
        items.flatMap((i) => keyOf(i, kind) ?? []),
        true,
      );
      complete.set(`${u.id}|${kind}`, true, Date.now());
    }),
  );
}

/** One page of resources/list, resources/templates/list or prompts/list across the upstreams. */
export async function mergedList(g: GatewayCtx, id: JsonRpcId, kind: ListKind, params: unknown) {
  const method = LIST_METHOD[kind];
  const now = Date.now();
  const cursor = await readCursor(g, method, params, now);
  if (!cursor.ok) return rpcError(id, RPC.INVALID_PARAMS, cursor.message);
  const { state } = cursor;
  const asked = g.tenant.upstreams.filter((u) => state === null || state[u.id] !== undefined);
  const pages = await Promise.all(
    asked.map(async (u) => [u, await fetchPage(u, kind, state?.[u.id], forwardOptions(g, u.id))] as const),
  );
  const next: PageState = {};
  for (const [u, page] of pages) {
    if ("error" in page) return upstreamRpcError(id, u.namespace, page.error);
    if (!("items" in page)) continue;
    // A first page replaces what was seen, unless a whole list read lately knows more than one page.
    const fresh = state === null && !complete.get(`${u.id}|${kind}`, now);
    remember(
      u,
      kind,
      page.items.flatMap((i) => keyOf(i, kind) ?? []),
      fresh,
    );
    if (state === null && !page.nextCursor) complete.set(`${u.id}|${kind}`, true, now);
    if (page.nextCursor) next[u.id] = page.nextCursor;
  }
  const merged: unknown[] = [];
  for (const [u, page] of pages) {
    if (!("items" in page)) continue;
    const earlier = g.tenant.upstreams.slice(0, g.tenant.upstreams.indexOf(u));
    for (const item of page.items) merged.push(shown(u, earlier, kind, item));
  }
  const nextCursor = await signCursor(g, method, next, now);
  return rpcResult(id, { [kind]: merged, ...(nextCursor ? { nextCursor } : {}) });
}

/** An item as the agent sees it: prompts prefixed, URIs namespaced where an earlier upstream lists them. */
function shown(u: TenantUpstream, earlier: TenantUpstream[], kind: ListKind, item: ListedItem): ListedItem {
  if (kind === "prompts") return { ...item, name: exposed(u, item.name ?? "") };
  const key = keyOf(item, kind);
  if (key === undefined) return item;
  const collides = earlier.some((e) => known(e, kind)?.has(key));
  if (!needsNamespace(key, collides)) return item;
  const field = kind === "resources" ? "uri" : "uriTemplate";
  return { ...item, [field]: namespacedUri(u.namespace, key) };
}

/**
 * The URI the agent knows for `uri` of `upstream` (namespaced where an earlier upstream lists it too),
 * for what an upstream says about its own resources (notifications/resources/updated).
 */
export function shownUri(g: GatewayCtx, upstream: TenantUpstream, uri: string): string {
  const earlier = g.tenant.upstreams.slice(0, g.tenant.upstreams.indexOf(upstream));
  return shown(upstream, earlier, "resources", { uri }).uri ?? uri;
}

/** Whether `u` listed `uri` (as a resource, or as a template: a completion ref names templates), or a template matches it. */
function serves(u: TenantUpstream, uri: string, how: "exact" | "template"): boolean {
  if (how === "exact")
    return known(u, "resources")?.has(uri) === true || known(u, "resourceTemplates")?.has(uri) === true;
  return [...(known(u, "resourceTemplates") ?? [])].some((t) => templateMatches(t, uri));
}

function firstServing(g: GatewayCtx, uri: string): TenantUpstream | undefined {
  return (
    g.tenant.upstreams.find((u) => serves(u, uri, "exact")) ??
    g.tenant.upstreams.find((u) => serves(u, uri, "template"))
  );
}

const RESOURCE_KINDS: ListKind[] = ["resources", "resourceTemplates"];

/** The upstream a client's resource URI belongs to, and that upstream's own URI for it. */
async function resourceOwner(
  g: GatewayCtx,
  uri: string,
): Promise<{ upstream: TenantUpstream; uri: string; shown: string } | { error: string }> {
  const ref = readUri(uri);
  if (ref.kind === "malformed")
    return { error: `Resource URI ${uri} is not a valid tollgate+<upstream>: URI` };
  if (ref.kind === "namespaced") {
    // Only this agent's upstreams can be named: another org's (or agent's) namespace names nothing.
    const u = g.tenant.upstreams.find((x) => x.namespace === ref.namespace);
    if (!u) return { error: `Resource ${uri} names no upstream of this agent` };
    const owns = () => serves(u, ref.uri, "exact") || serves(u, ref.uri, "template");
    if (!owns()) await readWhole(g, RESOURCE_KINDS, [u]);
    if (!owns()) return { error: `Upstream "${ref.namespace}" does not list ${ref.uri}` };
    const plain = !needsNamespace(ref.uri, firstServing(g, ref.uri) !== u);
    return { upstream: u, uri: ref.uri, shown: plain ? ref.uri : uri };
  }
  let owner = firstServing(g, uri);
  if (!owner) {
    await readWhole(g, RESOURCE_KINDS, g.tenant.upstreams);
    owner = firstServing(g, uri);
  }
  if (!owner) return { error: `Resource ${uri} is not listed by any upstream, so Tollgate sends it nowhere` };
  return { upstream: owner, uri, shown: uri };
}

async function promptOwner(g: GatewayCtx, name: string) {
  const listed = (id: string) => owned.get(`${id}|prompts`, Date.now());
  let r = resolveName(g.tenant.upstreams, name, listed);
  if (!r.ok) {
    await readWhole(g, ["prompts"], g.tenant.upstreams);
    r = resolveName(g.tenant.upstreams, name, listed);
  }
  return r;
}

const URI_METHODS = new Set(["resources/read", "resources/subscribe", "resources/unsubscribe"]);

/** The upstream a resource URI or prompt name belongs to; null: the single upstream serves it all. */
export async function ownerOf(g: GatewayCtx, req: JsonRpcRequest): Promise<Owned> {
  if (g.tenant.upstreams.length < 2) return null;
  const params = (req.params ?? {}) as Record<string, unknown>;
  const ref = (params.ref ?? null) as { type?: unknown; name?: unknown; uri?: unknown } | null;
  const completing = req.method === "completion/complete";
  if (req.method === "prompts/get" || (completing && ref?.type === "ref/prompt")) {
    const name = req.method === "prompts/get" ? params.name : ref?.name;
    if (typeof name !== "string") return null;
    const r = await promptOwner(g, name);
    if (!r.ok) return { error: `Unknown or ambiguous prompt: ${name}` };
    const renamed = completing
      ? { ...params, ref: { ...ref, name: r.upstreamTool } }
      : { ...params, name: r.upstreamTool };
    return { upstream: r.upstream, body: { ...req, params: renamed } };
  }
  const byUri = URI_METHODS.has(req.method) || (completing && ref?.type === "ref/resource");
  if (!byUri) return null;
  const uri = completing ? ref?.uri : params.uri;
  if (typeof uri !== "string") return { error: `${req.method} needs a resource URI` };
  const owner = await resourceOwner(g, uri);
  if ("error" in owner) return owner;
  const renamed = completing ? { ...params, ref: { ...ref, uri: owner.uri } } : { ...params, uri: owner.uri };
  const body = owner.uri === uri ? req : { ...req, params: renamed };
  const named = owner.shown === uri || completing ? req : { ...req, params: { ...params, uri: owner.shown } };
  return { upstream: owner.upstream, body, named };
}
