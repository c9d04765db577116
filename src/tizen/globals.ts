/**
 * Installing the Tizen names as globals, so that code written for Tizen (which finds `tizen`,
 * `TeecValue`, `TeecLoginMethod`... on the global object) runs unmodified.
 * @module
 */
import { TeecLoginMethod, TeecRegisteredMemoryType, TeecSharedMemoryFlags, TeecTempMemoryType, TeecValueType } from './enums';
import { WebAPIError, WebAPIException } from './errors';
import { TeecContext } from './context';
import { tizen as defaultTizen, LibTeecManager } from './manager';
import { TeecParameter, TeecRegisteredMemory, TeecTempMemory, TeecValue } from './parameters';
import { TeecSession } from './session';
import { TeecSharedMemory } from './shared-memory';

/** Every global {@link installGlobals} defines, besides `tizen.teec`. */
export const TIZEN_GLOBALS = Object.freeze({
  TeecValue,
  TeecTempMemory,
  TeecRegisteredMemory,
  TeecParameter,
  TeecSharedMemory,
  TeecContext,
  TeecSession,
  LibTeecManager,
  TeecLoginMethod,
  TeecValueType,
  TeecTempMemoryType,
  TeecRegisteredMemoryType,
  TeecSharedMemoryFlags,
  WebAPIException,
  WebAPIError,
});

/**
 * Defines `tizen.teec` (keeping any other members of an existing `tizen` object), the parameter
 * classes, the enums and the error classes on `target` (default: globalThis). Idempotent.
 *
 * @example
 * require('rx-teec/tizen').installGlobals();
 * const ctx = tizen.teec.getContext(); // as on Tizen
 */
export function installGlobals(target: object = globalThis, teec: LibTeecManager = defaultTizen.teec): void {
  const g = target as Record<string, unknown>;
  const existing = g.tizen;
  const namespace = typeof existing === 'object' && existing !== null && !Object.isFrozen(existing) ? (existing as Record<string, unknown>) : {};
  namespace.teec = teec;
  g.tizen = namespace;
  for (const [name, value] of Object.entries(TIZEN_GLOBALS)) {
    Object.defineProperty(g, name, { value, writable: true, configurable: true, enumerable: false });
  }
}
