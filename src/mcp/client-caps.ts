// Which server-to-client requests a client can take, as it declared them (a legacy client at
// initialize, kept in its signed session; a modern one on each request). Only what the gateway can
// bridge between the eras is kept: elicitation (form, url), sampling, roots (ADR 0037).

export type Bridgeable = "elicitation.form" | "elicitation.url" | "sampling" | "roots";
/** The server-to-client requests the gateway relays between eras. */
export const SERVER_REQUEST_METHODS = new Set(["elicitation/create", "sampling/createMessage", "roots/list"]);

function obj(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** The bridgeable part of a capabilities object (`elicitation: {}` means form, as the spec says). */
export function bridgeableCaps(capabilities: unknown): Bridgeable[] {
  const caps = obj(capabilities) ?? {};
  const out: Bridgeable[] = [];
  const e = obj(caps.elicitation);
  if (e) {
    if (e.url === undefined || e.form !== undefined) out.push("elicitation.form");
    if (obj(e.url)) out.push("elicitation.url");
  }
  if (obj(caps.sampling)) out.push("sampling");
  if (obj(caps.roots)) out.push("roots");
  return out;
}

/** A capabilities object declaring exactly `list` (what a 2026-07-28 upstream is told). */
export function capsObject(list: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const form = list.includes("elicitation.form");
  const url = list.includes("elicitation.url");
  if (form || url) out.elicitation = { ...(form ? { form: {} } : {}), ...(url ? { url: {} } : {}) };
  if (list.includes("sampling")) out.sampling = {};
  if (list.includes("roots")) out.roots = {};
  return out;
}

/** The client's declared bridgeable capabilities, in either era. */
export function clientBridgeable(g: {
  era: "legacy" | "modern";
  clientCapabilities: Record<string, unknown>;
  session: { c?: string[] | undefined } | null;
}): Bridgeable[] {
  if (g.era === "modern") return bridgeableCaps(g.clientCapabilities);
  return (g.session?.c ?? []).filter((c): c is Bridgeable =>
    ["elicitation.form", "elicitation.url", "sampling", "roots"].includes(c),
  );
}

/** The capability a server request needs, or null when the gateway does not relay that method. */
export function neededCap(method: string, params: unknown): Bridgeable | null {
  if (method === "elicitation/create")
    return obj(params)?.mode === "url" ? "elicitation.url" : "elicitation.form";
  if (method === "sampling/createMessage") return "sampling";
  if (method === "roots/list") return "roots";
  return null;
}
