// The one per-isolate cache: entries live `ttlMs` from when they were set, at most `max` of them
// (the oldest set goes first). Time is passed in, like everywhere else, so tests need no clock.
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}

  get(key: K, now: number): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt > now) return hit.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: K, value: V, now: number, ttlMs = this.ttlMs): void {
    this.entries.delete(key);
    if (this.entries.size >= this.max) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: now + ttlMs });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Drop every entry whose value matches (e.g. all keys of one org). */
  deleteWhere(match: (value: V, key: K) => boolean): void {
    for (const [key, e] of this.entries) if (match(e.value, key)) this.entries.delete(key);
  }
}
