// Reading one upstream's resources/list, resources/templates/list or prompts/list, every page, so the
// gateway can merge them and remember which upstream owns each URI or prompt name.
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

/** Every item the upstream lists; `unsupported` when it does not serve the method (-32601). */
export async function fetchList(
  upstream: UpstreamTarget,
  kind: ListKind,
  opts: ForwardOptions,
): Promise<{ items: ListedItem[] } | { unsupported: true } | { error: string }> {
  const items: ListedItem[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const id = `tg-${kind}-${page}`;
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id,
      method: LIST_METHOD[kind],
      params: cursor ? { cursor } : {},
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
    for (const r of raw) {
      const item = parseOrNull(ListedItem, r);
      if (item) items.push(item);
    }
    cursor = parseOrNull(Page, result)?.nextCursor;
    if (!cursor) break;
  }
  return { items };
}
