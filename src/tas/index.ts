/**
 * Clients for the TAs shipped with rx-teec.
 * @module
 */
export * from './aes-stream';
