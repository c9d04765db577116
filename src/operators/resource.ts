/**
 * The shape shared by every TEE resource Observable: open on subscribe, emit the live handle once,
 * stay open until unsubscribed, close on unsubscribe / error — even if unsubscribed mid-open.
 * @module
 */
import { Observable, config } from 'rxjs';

/**
 * A cold Observable of one resource. `open` receives a signal that aborts when the subscriber
 * leaves before the resource is ready; whatever opened anyway is closed.
 * @example
 * const ctx$ = resource((signal) => Context.open(), (ctx) => ctx.close());
 */
export function resource<T>(open: (signal: AbortSignal) => Promise<T>, close: (value: T) => Promise<void>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const controller = new AbortController();
    let value: { current: T } | undefined;
    let active = true;
    open(controller.signal).then(
      (v) => {
        value = { current: v };
        if (active) subscriber.next(v);
        else closeQuietly(close, v);
      },
      (err) => {
        if (active) subscriber.error(err);
      },
    );
    return () => {
      active = false;
      controller.abort();
      if (value) closeQuietly(close, value.current);
    };
  });
}

/** Teardown cannot throw to anyone: report through RxJS's unhandled-error hook, else as a warning. */
function closeQuietly<T>(close: (v: T) => Promise<void>, v: T): void {
  close(v).catch((err: unknown) => {
    if (config.onUnhandledError) config.onUnhandledError(err);
    else process.emitWarning(`rx-teec: teardown failed: ${String(err)}`, 'RxTeecTeardownWarning');
  });
}
