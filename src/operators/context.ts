import type { Observable } from 'rxjs';
import { Context, type ContextOptions } from '../core/context';
import { resource } from './resource';

/**
 * A TEE context as a resource: initialized on subscribe, emitted once, finalized on unsubscribe
 * (after its sessions and shared memory, children first).
 *
 * @example
 * context$().pipe(
 *   switchMap((ctx) => session$(ctx, TA_UUID)),
 *   switchMap((session) => invoke(session, 1, [valueInput(10, 100)])),
 *   take(1),
 * ).subscribe((result) => console.log(result.params[0]));
 */
export function context$(options: ContextOptions = {}): Observable<Context> {
  return resource(() => Context.open(options), (ctx) => ctx.close());
}
