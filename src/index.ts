/**
 * rx-teec: a reactive TypeScript client for Trusted Execution Environments (GlobalPlatform TEE
 * Client API), with an embedded TEE simulator as the default backend.
 * @module
 */
export * from './core';
export * from './operators';
export * from './tas';
