import { asyncScheduler, retry, throwError, timer, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';
import { TeecError } from '../core/errors';

/**
 * Resubscribes (reopening the session the pipeline opened) when a TA dies with
 * TEEC_ERROR_TARGET_DEAD, up to `count` times, after `delayMs`. Other errors pass through.
 *
 * @example
 * context$().pipe(
 *   switchMap((ctx) => session$(ctx, uuid)),
 *   switchMap((s) => invoke(s, CMD, params)),
 *   retryOnTargetDead({ count: 3 }),
 * )
 */
export function retryOnTargetDead<T>(options: { count?: number; delayMs?: number; scheduler?: SchedulerLike } = {}): MonoTypeOperatorFunction<T> {
  const { count = 1, delayMs = 0, scheduler = asyncScheduler } = options;
  return retry({
    count,
    delay: (err: unknown) => (err instanceof TeecError && err.isTargetDead ? timer(delayMs, scheduler) : throwError(() => err)),
  });
}
