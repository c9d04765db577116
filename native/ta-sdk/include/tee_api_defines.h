/*
 * GlobalPlatform TEE Internal Core API — constants (rx-teec TA SDK).
 * Values are those of the GP specification (and OP-TEE where GP leaves room),
 * so TA sources written for another GP TEE compile unchanged.
 */
#ifndef TEE_API_DEFINES_H
#define TEE_API_DEFINES_H

/* ---- Return codes ---- */
#define TEE_SUCCESS                       0x00000000
#define TEE_ERROR_CORRUPT_OBJECT          0xF0100001
#define TEE_ERROR_CORRUPT_OBJECT_2        0xF0100002
#define TEE_ERROR_STORAGE_NOT_AVAILABLE   0xF0100003
#define TEE_ERROR_STORAGE_NOT_AVAILABLE_2 0xF0100004
#define TEE_ERROR_GENERIC                 0xFFFF0000
#define TEE_ERROR_ACCESS_DENIED           0xFFFF0001
#define TEE_ERROR_CANCEL                  0xFFFF0002
#define TEE_ERROR_ACCESS_CONFLICT         0xFFFF0003
#define TEE_ERROR_EXCESS_DATA             0xFFFF0004
#define TEE_ERROR_BAD_FORMAT              0xFFFF0005
#define TEE_ERROR_BAD_PARAMETERS          0xFFFF0006
#define TEE_ERROR_BAD_STATE               0xFFFF0007
#define TEE_ERROR_ITEM_NOT_FOUND          0xFFFF0008
#define TEE_ERROR_NOT_IMPLEMENTED         0xFFFF0009
#define TEE_ERROR_NOT_SUPPORTED           0xFFFF000A
#define TEE_ERROR_NO_DATA                 0xFFFF000B
#define TEE_ERROR_OUT_OF_MEMORY           0xFFFF000C
#define TEE_ERROR_BUSY                    0xFFFF000D
#define TEE_ERROR_COMMUNICATION           0xFFFF000E
#define TEE_ERROR_SECURITY                0xFFFF000F
#define TEE_ERROR_SHORT_BUFFER            0xFFFF0010
#define TEE_ERROR_EXTERNAL_CANCEL         0xFFFF0011
#define TEE_ERROR_OVERFLOW                0xFFFF300F
#define TEE_ERROR_TARGET_DEAD             0xFFFF3024
#define TEE_ERROR_STORAGE_NO_SPACE        0xFFFF3041
#define TEE_ERROR_MAC_INVALID             0xFFFF3071
#define TEE_ERROR_SIGNATURE_INVALID       0xFFFF3072
#define TEE_ERROR_TIME_NOT_SET            0xFFFF5000
#define TEE_ERROR_TIME_NEEDS_RESET        0xFFFF5001

/* ---- Where a return code came from ---- */
#define TEE_ORIGIN_API          0x00000001
#define TEE_ORIGIN_COMMS        0x00000002
#define TEE_ORIGIN_TEE          0x00000003
#define TEE_ORIGIN_TRUSTED_APP  0x00000004

/* ---- Parameters as a TA sees them ---- */
#define TEE_NUM_PARAMS 4

#define TEE_PARAM_TYPE_NONE          0
#define TEE_PARAM_TYPE_VALUE_INPUT   1
#define TEE_PARAM_TYPE_VALUE_OUTPUT  2
#define TEE_PARAM_TYPE_VALUE_INOUT   3
#define TEE_PARAM_TYPE_MEMREF_INPUT  5
#define TEE_PARAM_TYPE_MEMREF_OUTPUT 6
#define TEE_PARAM_TYPE_MEMREF_INOUT  7

/* Packs four parameter types, one nibble each (parameter 0 in the low nibble). */
#define TEE_PARAM_TYPES(t0, t1, t2, t3) \
	((uint32_t)(t0) | ((uint32_t)(t1) << 4) | ((uint32_t)(t2) << 8) | ((uint32_t)(t3) << 12))

/* Type of parameter i (0..3) in a paramTypes word. */
#define TEE_PARAM_TYPE_GET(t, i) ((((uint32_t)(t)) >> ((i) * 4)) & 0xF)

/* ---- Login methods (what gpd.client.identity reports) ---- */
#define TEE_LOGIN_PUBLIC            0x00000000
#define TEE_LOGIN_USER              0x00000001
#define TEE_LOGIN_GROUP             0x00000002
#define TEE_LOGIN_APPLICATION       0x00000004
#define TEE_LOGIN_APPLICATION_USER  0x00000005
#define TEE_LOGIN_APPLICATION_GROUP 0x00000006
#define TEE_LOGIN_TRUSTED_APP       0xF0000000

/* ---- TEE_CheckMemoryAccessRights flags ---- */
#define TEE_MEMORY_ACCESS_READ      0x00000001
#define TEE_MEMORY_ACCESS_WRITE     0x00000002
#define TEE_MEMORY_ACCESS_ANY_OWNER 0x00000004

/* ---- Property set pseudo-handles ---- */
#define TEE_PROPSET_TEE_IMPLEMENTATION ((TEE_PropSetHandle)0xFFFFFFFD)
#define TEE_PROPSET_CURRENT_CLIENT     ((TEE_PropSetHandle)0xFFFFFFFE)
#define TEE_PROPSET_CURRENT_TA         ((TEE_PropSetHandle)0xFFFFFFFF)

/* ---- Time ---- */
#define TEE_TIMEOUT_INFINITE 0xFFFFFFFF

/* ---- TEE_Malloc hints ---- */
#define TEE_MALLOC_FILL_ZERO 0x00000000
#define TEE_MALLOC_NO_FILL   0x00000001
#define TEE_MALLOC_NO_SHARE  0x00000002
/* OP-TEE's name for "do not zero" (implementation-defined hint range). */
#define TEE_USER_MEM_HINT_NO_FILL_ZERO 0x80000000

#define TEE_HANDLE_NULL 0

/*
 * ---- Room for what later issues add ----
 * Cryptographic operations (TEE_ALG_*, TEE_MODE_*, TEE_TYPE_*, TEE_ATTR_*),
 * backed by OpenSSL, and persistent storage (TEE_STORAGE_PRIVATE,
 * TEE_DATA_FLAG_*) get their constants in this file, in sections of their own.
 */

#endif /* TEE_API_DEFINES_H */
