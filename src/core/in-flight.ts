/**
 * Tracks the calls in flight on a session or a shared memory block, so that closing or releasing
 * can cancel them and wait for them to return before anything is freed under them.
 * @internal
 */
export class InFlight {
  private readonly calls = new Set<{ controller: AbortController; done: Promise<unknown> }>();

  /** Runs `call` with a signal that aborts when `signal` aborts or when the owner cancels all. */
  track<T>(signal: AbortSignal | undefined, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(signal?.reason);
    if (signal?.aborted) controller.abort(signal.reason);
    else signal?.addEventListener('abort', onAbort, { once: true });
    const done = call(controller.signal);
    const entry = { controller, done };
    this.calls.add(entry);
    const forget = (): void => {
      this.calls.delete(entry);
      signal?.removeEventListener('abort', onAbort);
    };
    done.then(forget, forget);
    return done;
  }

  /** Number of calls still running. */
  get size(): number {
    return this.calls.size;
  }

  /** Requests cancellation of every call in flight and waits until all have returned. */
  async cancelAndDrain(reason: string): Promise<void> {
    const pending = [...this.calls];
    for (const c of pending) c.controller.abort(new Error(reason));
    await Promise.allSettled(pending.map((c) => c.done));
  }

  /** Waits until every call in flight now has returned, without cancelling. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.calls].map((c) => c.done));
  }
}
