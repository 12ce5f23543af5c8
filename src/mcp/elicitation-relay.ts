// Rendezvous between isolates for questions asked of a client: the request that asked waits here, and
// the client's answer (a separate POST, perhaps to another isolate) is delivered here. One object per
// org, so answers cannot cross tenants. Inline approvals use wait/deliver (ids "tg-elicit-<approval>");
// bridged upstream questions (ADR 0037) use open/claim: only an opened key takes an answer, once.
import { DurableObject } from "cloudflare:workers";

const MAX_WAIT_MS = 120_000;
/** Early answers kept at most (the oldest goes first): a client posting answers nobody waits for is bounded. */
const MAX_EARLY = 1_000;
/** Open questions kept at most: each is opened by a request the gateway is serving. */
const MAX_OPEN = 5_000;

export class ElicitationRelay extends DurableObject<Env> {
  private readonly waiters = new Map<string, (answer: unknown) => void>();
  /** Answers that arrived before their waiter (kept briefly). */
  private readonly early = new Map<string, { answer: unknown; at: number }>();
  /** Keys that may be claimed once, until their expiry. */
  private readonly opened = new Map<string, number>();

  /** Resolves with the client's JSON-RPC response, or null after `timeoutMs`. */
  async wait(id: string, timeoutMs: number): Promise<unknown> {
    const ready = this.early.get(id);
    if (ready) {
      this.early.delete(id);
      return ready.answer;
    }
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.waiters.delete(id);
          // A question nobody answered in time takes no late answer.
          this.opened.delete(id);
          resolve(null);
        },
        Math.min(Math.max(timeoutMs, 0), MAX_WAIT_MS),
      );
      this.waiters.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
    });
  }

  /** Hands the client's answer to the waiting request; true when someone was waiting. */
  async deliver(id: string, answer: unknown): Promise<boolean> {
    const waiter = this.waiters.get(id);
    if (waiter) {
      this.waiters.delete(id);
      waiter(answer);
      return true;
    }
    const now = Date.now();
    for (const [k, v] of this.early) if (now - v.at > MAX_WAIT_MS) this.early.delete(k);
    if (this.early.size >= MAX_EARLY) {
      const oldest = this.early.keys().next();
      if (!oldest.done) this.early.delete(oldest.value);
    }
    this.early.set(id, { answer, at: now });
    return false;
  }

  /** Marks `key` as asked: claim() accepts one answer for it within `ttlMs`. Call before asking. */
  async open(key: string, ttlMs: number): Promise<void> {
    const now = Date.now();
    if (this.opened.size >= MAX_OPEN)
      for (const [k, until] of this.opened) if (until < now) this.opened.delete(k);
    this.opened.set(key, now + Math.min(Math.max(ttlMs, 0), MAX_WAIT_MS));
  }

  /**
   * One answer for an opened key: false when the key was never opened, already answered or expired
   * (an answer to a question not asked, a second answer, a late one), so the caller can refuse it.
   */
  async claim(key: string, answer: unknown): Promise<boolean> {
    const until = this.opened.get(key);
    if (until === undefined) return false;
    this.opened.delete(key);
    if (until < Date.now()) return false;
    await this.deliver(key, answer);
    return true;
  }
}
