// Reading one upstream's resources/list, resources/templates/list or prompts/list (one page, or every
// page), so the gateway can merge them and remember which upstream owns each URI or prompt name.
import { z } from "zod";
import { ErrorObject, parseOrNull } from "../protocol/mcp-results";
import { type ForwardOptions, forward, readReply, type UpstreamTarget } from "./forward";

const MAX_PAGES = 20;

export type ListKind = "resources" | "resourceTemplates" | "prompts";
export const LIST_METHOD: Record<ListKind, string> = {
  resources: "resources/list",
  resourceTemplates: "resources/templates/list",
  prompts: "prompts/list",
};

const Page = z.looseObject({ nextCursor: z.string().optional() });
export const ListedItem = z.looseObject({
  name: z.string().optional(),
  uri: z.string().optional(),
  uriTemplate: z.string().optional(),
});
export type ListedItem = z.infer<typeof ListedItem>;

export type ListPage = { items: ListedItem[]; nextCursor?: string };
export type PageResult = ListPage | { unsupported: true } | { error: string };

/** One page of the upstream's list from `cursor` (its own); `unsupported` when it does not serve it. */
export async function fetchPage(
  upstream: UpstreamTarget,
  kind: ListKind,
  cursor: string | undefined,
  opts: ForwardOptions,
): Promise<PageResult> {
  const id = `tg-${kind}-${cursor === undefined ? 0 : 1}`;
  const body = JSON.stringify({
    jsonrpc: "2.0",
    id,
    method: LIST_METHOD[kind],
    params: cursor !== undefined ? { cursor } : {},
  });
  const sent = await forward(upstream, body, opts);
  if (!sent.ok) return { error: sent.message };
  // 2026-07-28 answers an unknown method with 404 + -32601.
  if (sent.response.status === 404) {
    await sent.response.body?.cancel();
    return { unsupported: true };
  }
  const reply = await readReply(sent.response, id);
  if (!reply.ok) return { error: reply.message };
  if ("error" in reply.message) {
    const code = (reply.message.error as { code?: unknown }).code;
    if (code === -32601) return { unsupported: true };
    return {
      error: parseOrNull(ErrorObject, reply.message.error)?.message ?? `${LIST_METHOD[kind]} failed`,
    };
  }
  const result = (reply.message.result ?? {}) as Record<string, unknown>;
  const raw = Array.isArray(result[kind]) ? (result[kind] as unknown[]) : [];
  const items = raw.flatMap((r): ListedItem[] => {
    const item = parseOrNull(ListedItem, r);
    return item ? [item] : [];
  });
  const next = parseOrNull(Page, result)?.nextCursor;
  return { items, ...(next ? { nextCursor: next } : {}) };
}

/** Every item the upstream lists (at most MAX_PAGES pages); `unsupported` when it does not serve it. */
export async function fetchList(
  upstream: UpstreamTarget,
  kind: ListKind,
  opts: ForwardOptions,
): Promise<{ items: ListedItem[] } | { unsupported: true } | { error: string }> {
  const items: ListedItem[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const r = await fetchPage(upstream, kind, cursor, opts);
    if (!("items" in r)) return r;
    items.push(...r.items);
    cursor = r.nextCursor;
    if (!cursor) break;
  }
  return { items };
}
