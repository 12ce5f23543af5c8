// Rendezvous for inline approvals: the request that asked the client "approve this payment?" waits
// here, and the client's answer (a separate POST, perhaps to another isolate) is delivered here. One
// object per org; ids are "tg-elicit-<approval id>" (random), so answers cannot cross tenants.
import { DurableObject } from "cloudflare:workers";

const MAX_WAIT_MS = 120_000;
/** Early answers kept at most (the oldest goes first): a client posting answers nobody waits for is bounded. */
const MAX_EARLY = 1_000;

export class ElicitationRelay extends DurableObject<Env> {
  private readonly waiters = new Map<string, (answer: unknown) => void>();
  /** Answers that arrived before their waiter (kept briefly). */
  private readonly early = new Map<string, { answer: unknown; at: number }>();

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
}
