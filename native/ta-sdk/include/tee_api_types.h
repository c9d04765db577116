/*
 * GlobalPlatform TEE Internal Core API — basic types (rx-teec TA SDK).
 * Written from the GP TEE Internal Core API specification.
 */
#ifndef TEE_API_TYPES_H
#define TEE_API_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t TEE_Result;

typedef struct {
	uint32_t timeLow;
	uint16_t timeMid;
	uint16_t timeHiAndVersion;
	uint8_t clockSeqAndNode[8];
} TEE_UUID;

typedef struct {
	uint32_t login;
	TEE_UUID uuid;
} TEE_Identity;

/* What a TA sees of one client parameter (selected by TEE_PARAM_TYPE_GET). */
typedef union {
	struct {
		void *buffer;
		size_t size;
	} memref;
	struct {
		uint32_t a;
		uint32_t b;
	} value;
} TEE_Param;

typedef struct {
	uint32_t seconds;
	uint32_t millis;
} TEE_Time;

/* Opaque handles; the structs behind them belong to the SDK implementation. */
typedef void *TEE_TASessionHandle;
typedef struct __TEE_PropSetHandle *TEE_PropSetHandle;
typedef struct __TEE_ObjectHandle *TEE_ObjectHandle;
typedef struct __TEE_OperationHandle *TEE_OperationHandle;
typedef struct __TEE_ObjectEnumHandle *TEE_ObjectEnumHandle;

/* Result origins as reported to a TA calling another TA (TEE_ORIGIN_*). */
typedef uint32_t TEE_ErrorOrigin;

/*
 * Room for later issues: crypto (TEE_OperationMode, TEE_OperationInfo,
 * TEE_Attribute, TEE_ObjectInfo, TEE_BigInt...) and storage
 * (TEE_Whence, TEE_ObjectType) types go here.
 */

#endif /* TEE_API_TYPES_H */
