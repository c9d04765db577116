/**
 * rx-teec/tizen: Tizen's LibTeec Web API (`tizen.teec`) on Node, over the rx-teec core.
 *
 * @example
 * const { tizen, TeecValue, TeecLoginMethod } = require('rx-teec/tizen');
 * tizen.teec.getContext().openSession('123e4567-e89b-12d3-a456-426655440000', TeecLoginMethod.PUBLIC, null, null,
 *   (session) => session.invokeCommand(1, [new TeecValue(10, 100)], (cmd, params) => session.close()));
 * @module
 */
export { TeecLoginMethod, TeecValueType, TeecTempMemoryType, TeecRegisteredMemoryType, TeecSharedMemoryFlags } from './enums';
export { WebAPIException, WebAPIError, type WebAPIExceptionName, type WebAPIErrorName } from './errors';
export { TeecParameter, TeecValue, TeecTempMemory, TeecRegisteredMemory } from './parameters';
export { TeecSharedMemory } from './shared-memory';
export { TeecSession, type TeecCommandSuccessCallback, type ErrorCallback } from './session';
export { TeecContext, type TeecOpenSuccessCallback } from './context';
export { LibTeecManager, tizen, type LibTeecManagerOptions } from './manager';
export { installGlobals, TIZEN_GLOBALS } from './globals';
export type { ByteData } from './bytes';
