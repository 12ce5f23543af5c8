// The cursor of a merged list (tools/list, resources/list, resources/templates/list, prompts/list with
// several upstreams): per unfinished upstream, that upstream's own next cursor. It comes back from the
// agent, so it is HMAC-signed and bound to the org, the agent and the method: a forged or altered one
// cannot send arbitrary cursors upstream, name another org's upstream or skip the governance tools.
import { z } from "zod";
import { base64url, fromBase64url, utf8 } from "../auth/encoding";
import { signer } from "../auth/signer";
import type { GatewayCtx } from "./context";

const PREFIX = "tgc1.";
/** Longer than any page walk takes; a stale cursor asks the agent to list from the start. */
const CURSOR_TTL_MS = 60 * 60_000;
/** Upstream cursors longer than this are not carried (the upstream is treated as finished). */
const MAX_UPSTREAM_CURSOR = 4096;
// Room for every upstream of a large org at its longest cursor (the HMAC over it is cheap).
export const MAX_CURSOR_CHARS = 65_536;

const Payload = z.strictObject({
  o: z.string(),
  a: z.string(),
  m: z.string(),
  x: z.number().int(),
  /** upstream id -> its next cursor; upstreams absent are finished. */
  u: z.record(z.string(), z.string().max(MAX_UPSTREAM_CURSOR)),
});

export type PageState = Record<string, string>;
export type ReadCursor = { ok: true; state: PageState | null } | { ok: false; message: string };

let fallbackSecret: string | null = null;
function cursorSigner(g: GatewayCtx) {
  // Without SESSION_SECRET a cursor only verifies in the isolate that made it (as session ids).
  fallbackSecret ??= crypto.randomUUID() + crypto.randomUUID();
  return signer(g.sessionSecret || fallbackSecret, "list-cursor");
}

/** The cursor for the next page; undefined when every upstream is finished. */
export async function signCursor(
  g: GatewayCtx,
  method: string,
  state: PageState,
  now: number,
): Promise<string | undefined> {
  const u = Object.fromEntries(Object.entries(state).filter(([, c]) => c.length <= MAX_UPSTREAM_CURSOR));
  if (Object.keys(u).length === 0) return undefined;
  const payload = { o: g.tenant.orgId, a: g.tenant.agent.id, m: method, x: now + CURSOR_TTL_MS, u };
  const body = base64url(utf8.encode(JSON.stringify(payload)));
  return `${PREFIX}${body}.${await cursorSigner(g).sign(body)}`;
}

const bad = (why: string): ReadCursor => ({
  ok: false,
  message: `Invalid cursor for a merged list: ${why}. Use the nextCursor Tollgate returned, or list from the start.`,
});

/** The request's cursor: null state for the first page; refused unless Tollgate signed it for this call. */
export async function readCursor(
  g: GatewayCtx,
  method: string,
  params: unknown,
  now: number,
): Promise<ReadCursor> {
  const raw = (params as { cursor?: unknown } | null | undefined)?.cursor;
  if (raw === undefined) return { ok: true, state: null };
  if (typeof raw !== "string" || !raw.startsWith(PREFIX) || raw.length > MAX_CURSOR_CHARS)
    return bad("not a Tollgate cursor");
  const [body, sig, extra] = raw.slice(PREFIX.length).split(".");
  if (!body || !sig || extra !== undefined || !(await cursorSigner(g).verify(body, sig)))
    return bad("its signature does not verify");
  const bytes = fromBase64url(body);
  let parsed: z.infer<typeof Payload> | null = null;
  try {
    parsed = bytes ? (Payload.safeParse(JSON.parse(utf8.decode(bytes))).data ?? null) : null;
  } catch {
    parsed = null;
  }
  if (!parsed) return bad("it cannot be read");
  if (parsed.o !== g.tenant.orgId || parsed.a !== g.tenant.agent.id)
    return bad("it was made for another agent");
  if (parsed.m !== method) return bad(`it was made for ${parsed.m}`);
  if (parsed.x <= now) return bad("it has expired");
  const known = new Set(g.tenant.upstreams.map((u) => u.id));
  if (Object.keys(parsed.u).some((id) => !known.has(id)))
    return bad("it names an upstream this agent no longer has");
  return { ok: true, state: parsed.u };
}
