// subscriptions/listen (2026-07-28): the client's notification filter, bounded, and the messages of
// a listen stream. Every message on the stream carries the listen request's id as its subscription
// id; a notification type the client did not ask for is never sent (subscriptions.mdx).
import { z } from "zod";
import type { JsonRpcId } from "../protocol/jsonrpc";

export const MAX_LISTEN_URIS = 100;
export const MAX_LISTEN_URI_CHARS = 2048;
export const SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId";

/** The filter as the client sends it; unknown filter keys are refused, not silently ignored. */
export const ListenFilter = z.strictObject({
  toolsListChanged: z.boolean().optional(),
  promptsListChanged: z.boolean().optional(),
  resourcesListChanged: z.boolean().optional(),
  resourceSubscriptions: z.array(z.string().min(1).max(MAX_LISTEN_URI_CHARS)).max(MAX_LISTEN_URIS).optional(),
});
export type ListenFilter = z.infer<typeof ListenFilter>;

export const ListenParams = z.looseObject({ notifications: ListenFilter });

/** The list_changed notification each filter flag opts in to. */
export const LIST_CHANGED = {
  toolsListChanged: "notifications/tools/list_changed",
  promptsListChanged: "notifications/prompts/list_changed",
  resourcesListChanged: "notifications/resources/list_changed",
} as const;
export type ListFlag = keyof typeof LIST_CHANGED;
export const LIST_FLAGS = Object.keys(LIST_CHANGED) as ListFlag[];
export const RESOURCE_UPDATED = "notifications/resources/updated";
export const ACKNOWLEDGED = "notifications/subscriptions/acknowledged";

/** The flag a list_changed notification answers to, or null. */
export function flagOf(method: string): ListFlag | null {
  return LIST_FLAGS.find((f) => LIST_CHANGED[f] === method) ?? null;
}

/** A notification for the client's stream: its params' _meta names the subscription. */
export function tagged(subscriptionId: JsonRpcId, method: string, params: Record<string, unknown> = {}) {
  const meta = params._meta !== null && typeof params._meta === "object" ? params._meta : {};
  return {
    jsonrpc: "2.0" as const,
    method,
    params: { ...params, _meta: { ...meta, [SUBSCRIPTION_ID]: subscriptionId } },
  };
}

/** The first message: the subset of the filter the gateway will honour. */
export function acknowledgment(subscriptionId: JsonRpcId, honoured: ListenFilter) {
  return tagged(subscriptionId, ACKNOWLEDGED, { notifications: honoured });
}

/** The graceful end (every upstream ended its part): a complete result naming the subscription. */
export function closing(subscriptionId: JsonRpcId) {
  return {
    jsonrpc: "2.0" as const,
    id: subscriptionId,
    result: { resultType: "complete", _meta: { [SUBSCRIPTION_ID]: subscriptionId } },
  };
}
