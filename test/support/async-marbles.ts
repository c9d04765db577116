/**
 * Marble testing for code that mixes Observables with promises (the Backend is promise-based):
 * virtual time advances frame by frame, and all pending promise callbacks run before each frame,
 * so a fake backend's latencies land on exact virtual frames.
 */
import type { Observable, Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';

export interface Recorded {
  frame: number;
  notification: { kind: 'N' | 'E' | 'C'; value?: unknown; error?: unknown };
}

const drainMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function createMarbles() {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const F = TestScheduler.frameTimeFactor;
  return {
    scheduler,
    /** Frames per marble character. */
    F,
    cold: <T>(m: string, values?: Record<string, T>, error?: unknown) => scheduler.createColdObservable<T>(m, values, error),
    hot: <T>(m: string, values?: Record<string, T>, error?: unknown) => scheduler.createHotObservable<T>(m, values, error),
    /** Resolves after `chars` marble characters of virtual time. */
    sleep: (chars: number): Promise<void> => new Promise((resolve) => scheduler.schedule(() => resolve(), chars * F)),
    /** The current virtual time, in marble characters. */
    now: (): number => scheduler.frame / F,
    /** Subscribes now and records what arrives, in virtual frames; optionally unsubscribes at a frame (in chars). */
    record<T>(source: Observable<T>, unsubscribeAt?: number): { messages: Recorded[]; subscription: Subscription } {
      const messages: Recorded[] = [];
      const subscription = source.subscribe({
        next: (value) => messages.push({ frame: scheduler.frame, notification: { kind: 'N', value, error: undefined } }),
        error: (error) => messages.push({ frame: scheduler.frame, notification: { kind: 'E', value: undefined, error } }),
        complete: () => messages.push({ frame: scheduler.frame, notification: { kind: 'C', value: undefined, error: undefined } }),
      });
      if (unsubscribeAt !== undefined) scheduler.schedule(() => subscription.unsubscribe(), unsubscribeAt * F);
      return { messages, subscription };
    },
    /**
     * Runs virtual time until nothing is scheduled and no promise is pending, or, with `untilChars`,
     * until everything up to that time has run.
     */
    async flush(untilChars?: number): Promise<void> {
      for (;;) {
        await drainMicrotasks();
        // Hot observables are set up by the first flush; do it without advancing time.
        if ((scheduler as unknown as { hotObservables: unknown[] }).hotObservables.length > 0) {
          scheduler.maxFrames = scheduler.frame;
          scheduler.flush();
        }
        const next = scheduler.actions[0];
        if (!next) return;
        if (untilChars !== undefined && next.delay > untilChars * F) return;
        if (next.delay > 100_000 * F) throw new Error('virtual time ran away (a timer keeps rescheduling)');
        scheduler.maxFrames = next.delay;
        scheduler.flush();
      }
    },
    /** The expected messages of a marble diagram (same format as `record`). */
    expected<T>(m: string, values?: Record<string, T>, error?: unknown): Recorded[] {
      return TestScheduler.parseMarbles(m, values, error, true, true) as Recorded[];
    },
  };
}
