/**
 * GlobalPlatform TEE Client API constants, as numbers the C ABI uses.
 * @module
 */

/** Parameter types (one nibble each in `paramTypes`). */
export const ParamType = {
  NONE: 0x0,
  VALUE_INPUT: 0x1,
  VALUE_OUTPUT: 0x2,
  VALUE_INOUT: 0x3,
  MEMREF_TEMP_INPUT: 0x5,
  MEMREF_TEMP_OUTPUT: 0x6,
  MEMREF_TEMP_INOUT: 0x7,
  MEMREF_WHOLE: 0xc,
  MEMREF_PARTIAL_INPUT: 0xd,
  MEMREF_PARTIAL_OUTPUT: 0xe,
  MEMREF_PARTIAL_INOUT: 0xf,
} as const;
export type ParamType = (typeof ParamType)[keyof typeof ParamType];

/** Shared memory flags: the directions a block may be used in. */
export const SharedMemoryFlags = {
  INPUT: 0x1,
  OUTPUT: 0x2,
  INOUT: 0x3,
} as const;
export type SharedMemoryFlags = (typeof SharedMemoryFlags)[keyof typeof SharedMemoryFlags];

/** Login methods for {@link Context.openSession}. */
export const LoginMethod = {
  PUBLIC: 0x0,
  USER: 0x1,
  GROUP: 0x2,
  APPLICATION: 0x4,
  USER_APPLICATION: 0x5,
  GROUP_APPLICATION: 0x6,
} as const;
export type LoginMethod = (typeof LoginMethod)[keyof typeof LoginMethod];

/** Where a return code came from. */
export const ReturnOrigin = {
  API: 0x1,
  COMMS: 0x2,
  TEE: 0x3,
  TRUSTED_APP: 0x4,
} as const;
export type ReturnOrigin = (typeof ReturnOrigin)[keyof typeof ReturnOrigin];

/** GP return codes (client API and the TA-side codes a TA may pass through). */
export const ReturnCode = {
  TEEC_SUCCESS: 0x00000000,
  TEEC_ERROR_STORAGE_NOT_AVAILABLE: 0xf0100003,
  TEEC_ERROR_GENERIC: 0xffff0000,
  TEEC_ERROR_ACCESS_DENIED: 0xffff0001,
  TEEC_ERROR_CANCEL: 0xffff0002,
  TEEC_ERROR_ACCESS_CONFLICT: 0xffff0003,
  TEEC_ERROR_EXCESS_DATA: 0xffff0004,
  TEEC_ERROR_BAD_FORMAT: 0xffff0005,
  TEEC_ERROR_BAD_PARAMETERS: 0xffff0006,
  TEEC_ERROR_BAD_STATE: 0xffff0007,
  TEEC_ERROR_ITEM_NOT_FOUND: 0xffff0008,
  TEEC_ERROR_NOT_IMPLEMENTED: 0xffff0009,
  TEEC_ERROR_NOT_SUPPORTED: 0xffff000a,
  TEEC_ERROR_NO_DATA: 0xffff000b,
  TEEC_ERROR_OUT_OF_MEMORY: 0xffff000c,
  TEEC_ERROR_BUSY: 0xffff000d,
  TEEC_ERROR_COMMUNICATION: 0xffff000e,
  TEEC_ERROR_SECURITY: 0xffff000f,
  TEEC_ERROR_SHORT_BUFFER: 0xffff0010,
  TEEC_ERROR_EXTERNAL_CANCEL: 0xffff0011,
  TEE_ERROR_OVERFLOW: 0xffff300f,
  TEEC_ERROR_TARGET_DEAD: 0xffff3024,
  TEEC_ERROR_STORAGE_NO_SPACE: 0xffff3041,
  TEE_ERROR_MAC_INVALID: 0xffff3071,
  TEE_ERROR_SIGNATURE_INVALID: 0xffff3072,
  TEE_ERROR_TIME_NOT_SET: 0xffff5000,
  TEE_ERROR_TIME_NEEDS_RESET: 0xffff5001,
} as const;
export type ReturnCodeName = keyof typeof ReturnCode;

const codeNames = new Map<number, ReturnCodeName>(
  (Object.entries(ReturnCode) as [ReturnCodeName, number][]).map(([name, code]) => [code, name]),
);
const originNames = new Map<number, keyof typeof ReturnOrigin>(
  (Object.entries(ReturnOrigin) as [keyof typeof ReturnOrigin, number][]).map(([name, o]) => [o, name]),
);

/**
 * The GP name of a return code, or its hex form when the code is not a GP one.
 * @example returnCodeName(0xffff0010) // 'TEEC_ERROR_SHORT_BUFFER'
 */
export function returnCodeName(code: number): string {
  return codeNames.get(code >>> 0) ?? `0x${(code >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * The name of a return origin ('API', 'COMMS', 'TEE', 'TRUSTED_APP'), or its number.
 * @example returnOriginName(4) // 'TRUSTED_APP'
 */
export function returnOriginName(origin: number): string {
  return originNames.get(origin) ?? String(origin);
}

/** Number of parameters an operation carries. */
export const PARAM_COUNT = 4;
