import { Observable } from 'rxjs';
import type { InvokeResult, Param } from '../core/params';
import type { Session } from '../core/session';

/**
 * One command as a cold Observable: invoked on subscribe, emits the {@link InvokeResult} (outputs
 * written back) and completes. Unsubscribing before it completes cancels the command; failures are
 * TeecErrors.
 *
 * `params` may be a function, called at each subscription, so a retried invoke gets fresh buffers.
 *
 * @example
 * invoke(session, CMD_GET_COUNT, [valueOutput()]).subscribe(({ params }) => console.log(params[0].a));
 */
export function invoke(session: Session, command: number, params?: readonly Param[] | null | (() => readonly Param[] | null)): Observable<InvokeResult> {
  return new Observable<InvokeResult>((subscriber) => {
    const controller = new AbortController();
    let list: readonly Param[] | null | undefined;
    try {
      list = typeof params === 'function' ? params() : params;
    } catch (e) {
      subscriber.error(e);
      return undefined;
    }
    session.invoke(command, list, { signal: controller.signal }).then(
      (result) => {
        subscriber.next(result);
        subscriber.complete();
      },
      (err) => subscriber.error(err),
    );
    return () => controller.abort();
  });
}
