// Per-isolate limiter for failed key lookups, so guessing keys costs time. It is a speed bump, not a
// global guarantee: each isolate counts on its own (documented in README "Limits").
const WINDOW_MS = 60_000;
const MAX_FAILURES = 30;
const failures = new Map<string, { count: number; resetAt: number }>();

export function isLockedOut(client: string, now: number): boolean {
  const entry = failures.get(client);
  return entry !== undefined && entry.resetAt > now && entry.count >= MAX_FAILURES;
}

export function noteFailure(client: string, now: number): void {
  const entry = failures.get(client);
  if (!entry || entry.resetAt <= now) {
    if (failures.size > 10_000) failures.clear();
    failures.set(client, { count: 1, resetAt: now + WINDOW_MS });
  } else {
    entry.count++;
  }
}
