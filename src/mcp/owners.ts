// With several upstreams, resources and prompts belong to the upstream that listed them: lists are
// merged (prompt names prefixed like tools, resource URIs unchanged; a URI two upstreams list is left
// out and refused), and resources/read, prompts/get and completion/complete go to the owner only.
// Which upstream listed what is remembered per isolate for 30 s, like the tool catalogue.
import { type JsonRpcId, type JsonRpcRequest, rpcResult, upstreamRpcError } from "../protocol/jsonrpc";
import type { Tenant } from "../services/tenant";
import { TtlCache } from "../ttl-cache";
import { fetchList, type ListedItem, type ListKind } from "../upstream/lists";
import { exposed, resolveName } from "../upstream/tool-names";
import { forwardOptions, type GatewayCtx } from "./context";

type TenantUpstream = Tenant["upstreams"][number];
export type Owned = { upstream: TenantUpstream; body: JsonRpcRequest } | { error: string } | null;

export const LIST_KINDS: Record<string, ListKind> = {
  "resources/list": "resources",
  "resources/templates/list": "resourceTemplates",
  "prompts/list": "prompts",
};
const OWNED_TTL_MS = 30_000;
const owned = new TtlCache<string, ReadonlySet<string>>(OWNED_TTL_MS, 5_000);

function keyOf(item: ListedItem, kind: ListKind): string | undefined {
  return kind === "prompts" ? item.name : kind === "resources" ? item.uri : item.uriTemplate;
}

async function listsOf(g: GatewayCtx, kind: ListKind, fresh: boolean) {
  const out = new Map<string, ListedItem[]>();
  for (const u of g.tenant.upstreams) {
    const cacheKey = `${u.id}|${kind}`;
    if (!fresh && owned.get(cacheKey, Date.now())) continue;
    const r = await fetchList(u, kind, forwardOptions(g, u.id));
    if ("error" in r) return { failed: u, message: r.error };
    const items = "items" in r ? r.items : [];
    owned.set(cacheKey, new Set(items.flatMap((i) => keyOf(i, kind) ?? [])), Date.now());
    out.set(u.id, items);
  }
  return { lists: out };
}

/** resources/list, resources/templates/list, prompts/list across every upstream. */
export async function mergedList(g: GatewayCtx, id: JsonRpcId, kind: ListKind): Promise<unknown> {
  const r = await listsOf(g, kind, true);
  if ("failed" in r) return upstreamRpcError(id, r.failed!.namespace, r.message ?? "list failed");
  const count = new Map<string, number>();
  for (const items of r.lists.values())
    for (const i of items)
      if (kind !== "prompts") count.set(keyOf(i, kind) ?? "", (count.get(keyOf(i, kind) ?? "") ?? 0) + 1);
  const merged: unknown[] = [];
  for (const u of g.tenant.upstreams)
    for (const item of r.lists.get(u.id) ?? []) {
      if (kind === "prompts") merged.push({ ...item, name: exposed(u, item.name ?? "") });
      else if (count.get(keyOf(item, kind) ?? "") === 1) merged.push(item);
    }
  return rpcResult(id, { [kind]: merged });
}

function ownersOf(g: GatewayCtx, kind: ListKind, key: string): TenantUpstream[] {
  return g.tenant.upstreams.filter((u) => owned.get(`${u.id}|${kind}`, Date.now())?.has(key));
}

/** The upstream a resource URI or prompt name belongs to; null: the single upstream serves it all. */
export async function ownerOf(g: GatewayCtx, req: JsonRpcRequest): Promise<Owned> {
  if (g.tenant.upstreams.length < 2) return null;
  const params = (req.params ?? {}) as Record<string, unknown>;
  const ref = (params.ref ?? null) as { type?: unknown; name?: unknown; uri?: unknown } | null;
  if (req.method === "prompts/get" || (req.method === "completion/complete" && ref?.type === "ref/prompt")) {
    const name = req.method === "prompts/get" ? params.name : ref?.name;
    if (typeof name !== "string") return null;
    await listsOf(g, "prompts", false);
    const r = resolveName(g.tenant.upstreams, name, (id) => owned.get(`${id}|prompts`, Date.now()));
    if (!r.ok) return { error: `Unknown or ambiguous prompt: ${name}` };
    const renamed =
      req.method === "prompts/get"
        ? { ...params, name: r.upstreamTool }
        : { ...params, ref: { ...ref, name: r.upstreamTool } };
    return { upstream: r.upstream, body: { ...req, params: renamed } };
  }
  const uri = req.method === "completion/complete" && ref?.type === "ref/resource" ? ref.uri : params.uri;
  if (!req.method.startsWith("resources/") && req.method !== "completion/complete") return null;
  if (typeof uri !== "string") return null;
  let owners = ownersOf(g, "resources", uri);
  if (owners.length === 0) {
    await listsOf(g, "resources", true);
    owners = ownersOf(g, "resources", uri);
  }
  if (owners.length > 1) return { error: `Resource ${uri} is listed by more than one upstream` };
  // A URI nobody listed (a template's) goes to the first upstream, as before routing.
  const upstream = owners[0] ?? g.tenant.upstreams[0]!;
  return { upstream, body: req };
}
