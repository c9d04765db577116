import type { Observable } from 'rxjs';
import type { Context, OpenSessionOptions } from '../core/context';
import type { Session } from '../core/session';
import { resource } from './resource';

/**
 * A session with the TA `uuid` as a resource: opened on subscribe, emitted once, closed on
 * unsubscribe (in-flight commands are cancelled first). Unsubscribing while it opens cancels the
 * open.
 *
 * Share one session among many subscribers — opened by the first, closed with the last:
 * `session$(ctx, uuid).pipe(share({ connector: () => new ReplaySubject(1) }))`.
 * Reopen after the TA died: see {@link retryOnTargetDead}.
 *
 * @example
 * session$(ctx, '123e4567-e89b-12d3-a456-426655440000', { login: LoginMethod.PUBLIC })
 *   .pipe(switchMap((s) => invoke(s, 1, [valueInput(1, 2)])), take(1))
 *   .subscribe(console.log);
 */
export function session$(context: Context, uuid: string, options: Omit<OpenSessionOptions, 'signal'> = {}): Observable<Session> {
  return resource((signal) => context.openSession(uuid, { ...options, signal }), (s) => s.close());
}
