// One upstream's share of a client's listen stream: what was asked of it (in its own URIs), what it
// agreed to, and the choice of which of its messages reach the client. Both eras use the same choice.
import { flagOf, type ListFlag, RESOURCE_UPDATED, SUBSCRIPTION_ID } from "./listen-filter";

/** What one upstream is asked for: list_changed flags, and its URIs -> the URIs the client knows. */
export type PartWant = { flags: ListFlag[]; uris: Map<string, string> };
/** A notification for the client, before it is tagged with the subscription id. */
export type Forwarded = { method: string; params: Record<string, unknown> };

export type ListenPart = {
  upstreamId: string;
  /** What this upstream will send, in the client's terms. */
  honoured: { flags: ListFlag[]; clientUris: string[] };
  /** Reads the upstream's stream until it ends or `stop`; only notifications the client asked for. */
  pump: (emit: (n: Forwarded) => void, stop: AbortSignal) => Promise<void>;
  /** After the listen ends, detached: unsubscribe, end a session opened for it. Never throws. */
  cleanup: () => Promise<void>;
};

type Obj = Record<string, unknown>;
function asObj(v: unknown): Obj | null {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : null;
}

/** The upstream message as a notification the client asked for, or null (dropped). */
export function wanted(want: PartWant, message: unknown): Forwarded | null {
  const m = asObj(message);
  if (!m || typeof m.method !== "string" || m.id !== undefined) return null;
  const params = asObj(m.params) ?? {};
  // The upstream's own subscription id (a 2026 upstream's) never reaches the client.
  const { [SUBSCRIPTION_ID]: _, ...meta } = asObj(params._meta) ?? {};
  const clean = { ...params, ...(Object.keys(meta).length > 0 ? { _meta: meta } : {}) };
  if (Object.keys(meta).length === 0) delete clean._meta;
  const flag = flagOf(m.method);
  if (flag) return want.flags.includes(flag) ? { method: m.method, params: clean } : null;
  if (m.method !== RESOURCE_UPDATED || typeof params.uri !== "string") return null;
  // Only a URI this listen subscribed, as the client named it.
  const clientUri = want.uris.get(params.uri);
  return clientUri === undefined ? null : { method: m.method, params: { ...clean, uri: clientUri } };
}

/** Whether an upstream message is a request (it wants an answer). */
export function isServerRequest(message: unknown): message is { id: string | number; method: string } {
  const m = asObj(message);
  return !!m && typeof m.method === "string" && (typeof m.id === "string" || typeof m.id === "number");
}

export function parseData(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return null;
  }
}
