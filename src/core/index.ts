/**
 * rx-teec core: the typed, promise-level GP TEE Client API.
 * @module
 */
export * from './constants';
export * from './errors';
export * from './uuid';
export * from './params';
export type * from './backend';
export { Context, type ContextOptions, type OpenSessionOptions } from './context';
export { Session, type CallOptions, type InvokeOptions } from './session';
export { SharedMemory } from './shared-memory';
export { getDefaultBackend, setDefaultBackend } from './default-backend';
