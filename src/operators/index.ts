/**
 * rx-teec operators: TEE resources as Observables, cancellable `invoke`, and the streaming
 * `teecInvoke` operator with backpressure.
 * @module
 */
export { resource } from './resource';
export { context$ } from './context';
export { session$ } from './session';
export { sharedMemory$, registeredMemory$ } from './shared-memory';
export { invoke } from './invoke';
export { retryOnTargetDead } from './retry-on-target-dead';
export { withResource } from './with-resource';
export { PullSource, pullFrom, fromDataProvider, pullFromFile, type DataProvider } from './pull-source';
export { teecInvoke, type TeecInvokeOptions, type ChunkInfo, type ChunkIo, type ChunkLease } from './teec-invoke';
export { writeTo } from './write-to';
