// Group commit for the ledger's decisions. A call that arrives while the previous batch's storage
// commit is still being confirmed waits for it, then runs with every other waiting call inside one
// transactionSync (one storage commit); if any of them throws, each runs again in its own
// transactionSync, so a call that throws rolls back only its own writes. A call on an idle object
// runs at once, alone.

type Job = { run: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void };
type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class CommitGroup {
  private queue: Job[] = [];
  private pumping = false;
  /** Sizes of recent batches (bounded), for the benchmark's report. */
  readonly recentSizes: number[] = [];

  /**
   * @param afterBatch runs after each batch committed locally and before its callers get their
   *   answers (the ledger arms its alarm there, so an answer never precedes its alarm).
   * @param onRollback runs when any call's writes were rolled back, so in-memory hints derived from
   *   them can be dropped.
   */
  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly afterBatch: () => Promise<void>,
    private readonly onRollback: () => void,
  ) {}

  /** Run `fn` (synchronous, no awaits) atomically; resolves once its batch has been written. */
  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: fn, resolve: resolve as (value: unknown) => void, reject });
      if (!this.pumping) void this.pump();
    });
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        if (this.recentSizes.push(batch.length) > 1_000) this.recentSizes.splice(0, 500);
        const outcomes = this.runBatch(batch);
        if (outcomes.some((o) => !o.ok)) this.onRollback();
        try {
          await this.afterBatch();
        } catch (err) {
          // Arming failed; the decisions are stored. The next call or the constructor re-arms.
          console.error("ledger: arming after a batch failed", err);
        }
        batch.forEach((job, i) => {
          const o = outcomes[i]!;
          if (o.ok) job.resolve(o.value);
          else job.reject(o.error);
        });
        // Calls arriving while this commit is confirmed form the next batch. A failed confirmation
        // breaks the object's output gate (nothing is answered); later calls see the error.
        await this.storage.sync().catch(() => undefined);
      }
    } finally {
      this.pumping = false;
    }
  }

  private runBatch(batch: Job[]): Outcome[] {
    if (batch.length > 1) {
      // Optimistic: the whole batch in one transaction, no nested savepoints (their statement
      // journal is a large share of a batch's cost). Decisions are deterministic functions of the
      // stored state and their input, so if one throws, everything rolls back and each call runs
      // again alone: only the call that threw fails.
      try {
        const values = this.storage.transactionSync(() => batch.map((job) => job.run()));
        return values.map((value) => ({ ok: true, value }));
      } catch {
        this.onRollback();
      }
    }
    return batch.map((job) => {
      try {
        return { ok: true, value: this.storage.transactionSync(job.run) };
      } catch (error) {
        return { ok: false, error };
      }
    });
  }
}
