// How many GET streams may be open at once, per isolate: one per gateway session (as the SDK's own
// servers allow one standalone stream per session), and a bounded number per agent,
// so a client that floods GETs, or opens sessions to flood them, is refused before any upstream sees
// the GET. Counted in the isolate: another isolate counts its own; each upstream's own rule (the
// SDK answers a second stream of a session 409) stands behind it.

export const MAX_GET_STREAMS_PER_SESSION = 1;
/** An agent's sessions together (one agent may hold many conversations, each with its stream). */
export const MAX_GET_STREAMS_PER_AGENT = 64;

export type GetSlot = { release: () => void };
export type SlotResult =
  | ({ ok: true } & GetSlot)
  | { ok: false; status: 409 | 429; code: string; message: string };

const bySession = new Map<string, number>();
const byAgent = new Map<string, number>();

function bump(map: Map<string, number>, key: string, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n > 0) map.set(key, n);
  else map.delete(key);
}

/** Takes a slot for one GET stream of session `nonce`; release it exactly once when the stream ends. */
export function acquireGetSlot(orgId: string, agentId: string, nonce: string): SlotResult {
  const agent = `${orgId}|${agentId}`;
  const session = `${agent}|${nonce}`;
  if ((bySession.get(session) ?? 0) >= MAX_GET_STREAMS_PER_SESSION)
    return {
      ok: false,
      status: 409,
      code: "CONFLICT",
      message: "This session already has its GET stream open (one per session)",
    };
  if ((byAgent.get(agent) ?? 0) >= MAX_GET_STREAMS_PER_AGENT)
    return {
      ok: false,
      status: 429,
      code: "RATE_LIMITED",
      message: `This agent has ${MAX_GET_STREAMS_PER_AGENT} GET streams open; close one first`,
    };
  bump(bySession, session, 1);
  bump(byAgent, agent, 1);
  let released = false;
  return {
    ok: true,
    release: () => {
      if (released) return;
      released = true;
      bump(bySession, session, -1);
      bump(byAgent, agent, -1);
    },
  };
}

/** Open streams counted now (tests). */
export function openGetStreams(): { sessions: number; agents: number } {
  return { sessions: bySession.size, agents: byAgent.size };
}
