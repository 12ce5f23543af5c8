// An upstream's tools: every page of its tools/list, and the names agents see across upstreams.
// Each upstream's stored tool prefix (null = names unchanged) makes its names, so adding an upstream
// renames nothing; a name two upstreams could serve is left out (see tool-names.ts).

import { ErrorObject, ListedTool, parseOrNull, ToolsListResult } from "../protocol/mcp-results";
import { type ForwardOptions, forward, readReply, type UpstreamTarget } from "./forward";
import { exposed, type NamedUpstream, resolveName } from "./tool-names";

export type CatalogUpstream = UpstreamTarget & NamedUpstream;
export type Tool = ListedTool;

const MAX_PAGES = 20;

/** The default prefix separator: a later upstream's default prefix is `<namespace>__`. */
export const NAMESPACE_SEPARATOR = "__";

export type ExposedTool<U extends CatalogUpstream = CatalogUpstream> = {
  name: string;
  upstream: U;
  tool: Tool;
};

/**
 * The names agents see: each upstream's tools under its prefix, minus names another upstream could
 * also serve and names taken by the gateway's own tools (dispatch answers those first).
 */
export function exposedTools<U extends CatalogUpstream>(
  upstreams: readonly U[],
  lists: ReadonlyMap<string, Tool[]>,
  reserved: ReadonlySet<string>,
): ExposedTool<U>[] {
  const sets = new Map([...lists].map(([id, tools]) => [id, new Set(tools.map((t) => t.name))]));
  const out: ExposedTool<U>[] = [];
  for (const upstream of upstreams) {
    for (const tool of lists.get(upstream.id) ?? []) {
      const name = exposed(upstream, tool.name);
      if (reserved.has(name)) continue;
      const r = resolveName(upstreams, name, (id) => sets.get(id));
      if (r.ok && r.upstream.id === upstream.id) out.push({ name, upstream, tool });
    }
  }
  return out;
}

export async function fetchTools(
  upstream: UpstreamTarget,
  cursor: string | undefined,
  onePage: boolean,
  opts: ForwardOptions,
): Promise<{ tools: Tool[]; nextCursor?: string } | { error: string }> {
  const tools: Tool[] = [];
  let next = cursor;
  for (let page = 0; page < MAX_PAGES; page++) {
    const reqId = `tg-list-${page}`;
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: reqId,
      method: "tools/list",
      params: next ? { cursor: next } : {},
    });
    const sent = await forward(upstream, body, opts);
    if (!sent.ok) return { error: sent.message };
    const reply = await readReply(sent.response, reqId);
    if (!reply.ok) return { error: reply.message };
    if ("error" in reply.message)
      return { error: parseOrNull(ErrorObject, reply.message.error)?.message ?? "tools/list failed" };
    const result = parseOrNull(ToolsListResult, reply.message.result);
    if (!result) return { error: "tools/list result has no tools array" };
    for (const t of result.tools) {
      const tool = parseOrNull(ListedTool, t);
      if (tool) tools.push(tool);
    }
    next = result.nextCursor;
    if (onePage || !next) return { tools, ...(next ? { nextCursor: next } : {}) };
  }
  return { tools };
}
