// Per-isolate limiter for failed key lookups, so guessing keys costs time. It is a speed bump, not a
// global guarantee: each isolate counts on its own (documented in README "Limits").
import { TtlCache } from "../ttl-cache";

const WINDOW_MS = 60_000;
const MAX_FAILURES = 30;
const failures = new TtlCache<string, { count: number }>(WINDOW_MS, 10_000);

export function isLockedOut(client: string, now: number): boolean {
  return (failures.get(client, now)?.count ?? 0) >= MAX_FAILURES;
}

/** The first failure opens the client's window; later ones in it count against it. */
export function noteFailure(client: string, now: number): void {
  const entry = failures.get(client, now);
  if (entry) entry.count++;
  else failures.set(client, { count: 1 }, now);
}
