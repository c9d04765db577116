/**
 * Test support: a fake backend for code built on rx-teec.
 * @module
 */
export * from './fake-backend';
