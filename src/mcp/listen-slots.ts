// How many subscriptions/listen streams one agent may hold open at once, per isolate: each holds an
// upstream stream per upstream, so a client flooding listens is refused before any upstream is asked.
// Another isolate counts its own (as the GET stream's slots, get-stream-slots.ts).

export const MAX_LISTEN_STREAMS_PER_AGENT = 16;

const byAgent = new Map<string, number>();

export type ListenSlot = { release: () => void };

/** A slot for one listen stream of the agent, or null when it holds the most already. */
export function acquireListenSlot(orgId: string, agentId: string): ListenSlot | null {
  const key = `${orgId}|${agentId}`;
  const n = byAgent.get(key) ?? 0;
  if (n >= MAX_LISTEN_STREAMS_PER_AGENT) return null;
  byAgent.set(key, n + 1);
  let released = false;
  return {
    release: () => {
      if (released) return;
      released = true;
      const left = (byAgent.get(key) ?? 1) - 1;
      if (left > 0) byAgent.set(key, left);
      else byAgent.delete(key);
    },
  };
}

/** Listen streams open now, all agents (tests). */
export function openListenStreams(): number {
  let n = 0;
  for (const v of byAgent.values()) n += v;
  return n;
}
