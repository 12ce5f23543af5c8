// Which upstream a listen's resource URI belongs to, and the URI that upstream knows it by. The one
// place subscriptions/listen asks owners.ts (whose URI namespacing may change), so it changes here only.
import type { JsonRpcRequest } from "../protocol/jsonrpc";
import type { GatewayCtx } from "./context";
import { ownerOf } from "./owners";

type Upstream = GatewayCtx["tenant"]["upstreams"][number];
export type OwnedUri = { upstream: Upstream; upstreamUri: string };

/** Null: no upstream of this agent can own it (ambiguous, or refused by the owner lookup). */
export async function listenOwner(g: GatewayCtx, uri: string): Promise<OwnedUri | null> {
  // Routed like a resources/read of the same URI: the same owner, the same renaming.
  const probe: JsonRpcRequest = { jsonrpc: "2.0", id: 0, method: "resources/read", params: { uri } };
  const owner = await ownerOf(g, probe);
  if (owner === null) {
    const only = g.tenant.upstreams.length === 1 ? g.tenant.upstreams[0] : undefined;
    return only ? { upstream: only, upstreamUri: uri } : null;
  }
  if ("error" in owner) return null;
  const renamed = (owner.body.params as { uri?: unknown } | undefined)?.uri;
  return { upstream: owner.upstream, upstreamUri: typeof renamed === "string" ? renamed : uri };
}
