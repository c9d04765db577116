/**
 * The string enums of the Tizen LibTeec IDL, as values that are both the IDL's strings and
 * objects (`TeecLoginMethod.PUBLIC === 'PUBLIC'`), so code written either way works, and their
 * GlobalPlatform numbers.
 * @module
 */
import { LoginMethod, ParamType, SharedMemoryFlags } from '../core/constants';

/** Builds a frozen `{ NAME: 'NAME' }` object from the IDL's names. */
function stringEnum<const N extends string>(names: readonly N[]): { readonly [K in N]: K } {
  return Object.freeze(Object.fromEntries(names.map((n) => [n, n]))) as { readonly [K in N]: K };
}

/**
 * How the client identifies itself to the TA.
 * @example ctx.openSession(uuid, TeecLoginMethod.PUBLIC, null, null, onOpen) // or 'PUBLIC'
 */
export const TeecLoginMethod = stringEnum(['PUBLIC', 'USER', 'GROUP', 'APPLICATION']);
export type TeecLoginMethod = keyof typeof TeecLoginMethod;

/**
 * Direction of a {@link TeecValue}.
 * @example const v = new TeecValue(1, 2); v.type = TeecValueType.INPUT;
 */
export const TeecValueType = stringEnum(['INPUT', 'OUTPUT', 'INOUT']);
export type TeecValueType = keyof typeof TeecValueType;

/**
 * Direction of a {@link TeecTempMemory}.
 * @example const m = new TeecTempMemory(new Array(32).fill(0)); m.type = TeecTempMemoryType.OUTPUT;
 */
export const TeecTempMemoryType = stringEnum(['INPUT', 'OUTPUT', 'INOUT']);
export type TeecTempMemoryType = keyof typeof TeecTempMemoryType;

/**
 * Kind of a {@link TeecRegisteredMemory} reference: the whole block, or part of it in one direction.
 * @example const r = new TeecRegisteredMemory(shm, 0, shm.size); r.type = TeecRegisteredMemoryType.WHOLE;
 */
export const TeecRegisteredMemoryType = stringEnum(['WHOLE', 'PARTIAL_INPUT', 'PARTIAL_OUTPUT', 'PARTIAL_INOUT']);
export type TeecRegisteredMemoryType = keyof typeof TeecRegisteredMemoryType;

/**
 * Directions a shared memory block may be used in.
 * @example ctx.allocateSharedMemory(4096, TeecSharedMemoryFlags.INOUT)
 */
export const TeecSharedMemoryFlags = stringEnum(['INPUT', 'OUTPUT', 'INOUT']);
export type TeecSharedMemoryFlags = keyof typeof TeecSharedMemoryFlags;

/** GP login method numbers (TEEC_LOGIN_*). */
export const LOGIN_METHODS: Readonly<Record<TeecLoginMethod, number>> = Object.freeze({
  PUBLIC: LoginMethod.PUBLIC,
  USER: LoginMethod.USER,
  GROUP: LoginMethod.GROUP,
  APPLICATION: LoginMethod.APPLICATION,
});

/** GP parameter types of value parameters. */
export const VALUE_TYPES: Readonly<Record<TeecValueType, number>> = Object.freeze({
  INPUT: ParamType.VALUE_INPUT,
  OUTPUT: ParamType.VALUE_OUTPUT,
  INOUT: ParamType.VALUE_INOUT,
});

/** GP parameter types of temporary memory references. */
export const TEMP_MEMORY_TYPES: Readonly<Record<TeecTempMemoryType, number>> = Object.freeze({
  INPUT: ParamType.MEMREF_TEMP_INPUT,
  OUTPUT: ParamType.MEMREF_TEMP_OUTPUT,
  INOUT: ParamType.MEMREF_TEMP_INOUT,
});

/** GP parameter types of registered memory references. */
export const REGISTERED_MEMORY_TYPES: Readonly<Record<TeecRegisteredMemoryType, number>> = Object.freeze({
  WHOLE: ParamType.MEMREF_WHOLE,
  PARTIAL_INPUT: ParamType.MEMREF_PARTIAL_INPUT,
  PARTIAL_OUTPUT: ParamType.MEMREF_PARTIAL_OUTPUT,
  PARTIAL_INOUT: ParamType.MEMREF_PARTIAL_INOUT,
});

/** GP shared memory flags (TEEC_MEM_INPUT | TEEC_MEM_OUTPUT). */
export const SHARED_MEMORY_FLAGS: Readonly<Record<TeecSharedMemoryFlags, number>> = Object.freeze({
  INPUT: SharedMemoryFlags.INPUT,
  OUTPUT: SharedMemoryFlags.OUTPUT,
  INOUT: SharedMemoryFlags.INOUT,
});

/**
 * Whether `value` is one of an enum's strings (own keys only: 'toString' is not a login method).
 * @example isEnumValue(TeecLoginMethod, 'PUBLIC') // true
 */
export function isEnumValue<E extends Readonly<Record<string, string>>>(enumeration: E, value: unknown): value is keyof E {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(enumeration, value);
}
