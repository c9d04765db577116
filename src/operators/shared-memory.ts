import type { Observable } from 'rxjs';
import { SharedMemoryFlags } from '../core/constants';
import type { Context } from '../core/context';
import type { SharedMemory } from '../core/shared-memory';
import { resource } from './resource';

/**
 * A block of allocated shared memory as a resource: allocated on subscribe, released on
 * unsubscribe once no command in flight uses it.
 * @example
 * sharedMemory$(ctx, 1 << 20).pipe(switchMap((shm) => invoke(session, 1, [whole(shm)])))
 */
export function sharedMemory$(context: Context, size: number, flags: number = SharedMemoryFlags.INOUT): Observable<SharedMemory> {
  return resource(async () => context.allocateSharedMemory(size, flags), (shm) => shm.release());
}

/**
 * Caller memory registered as shared memory, as a resource (released on unsubscribe).
 * @example registeredMemory$(ctx, Buffer.alloc(4096), SharedMemoryFlags.INPUT)
 */
export function registeredMemory$(context: Context, buffer: Uint8Array | ArrayBuffer, flags: number = SharedMemoryFlags.INOUT): Observable<SharedMemory> {
  return resource(async () => context.registerSharedMemory(buffer, flags), (shm) => shm.release());
}
