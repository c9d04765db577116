/**
 * The per-session FIFO of operations. A session runs its commands one at a time, in call order,
 * and the next one starts only after the previous one's callback has returned, so a callback
 * reading shared memory sees what its own command left there. The first operation starts after
 * the caller's current turn: code that calls invokeCommand in a loop finishes the loop first.
 * @module
 */

/** One queued operation; `run` must not reject. */
export interface QueuedOperation {
  run(): Promise<void>;
}

/**
 * @example
 * const queue = new OperationQueue();
 * queue.push({ run: async () => { await session.invoke(1, []); } });
 */
export class OperationQueue {
  private readonly pending: QueuedOperation[] = [];
  private running = false;
  private scheduled = false;

  /** Number of operations waiting or running. */
  get size(): number {
    return this.pending.length + (this.running ? 1 : 0);
  }

  /** Appends an operation; it runs after everything pushed before it. */
  push(operation: QueuedOperation): void {
    this.pending.push(operation);
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let next = this.pending.shift(); next; next = this.pending.shift()) await next.run().catch(() => undefined);
    } finally {
      this.running = false;
    }
  }
}
