/*
 * GlobalPlatform TEE Internal Core API — transient objects and
 * cryptographic operations (rx-teec TA SDK, backed by OpenSSL 3 inside the
 * TA host). Include tee_internal_api.h rather than this file.
 *
 * Implemented today:
 *   objects     TEE_TYPE_AES (128/192/256), TEE_TYPE_HMAC_SHA1/SHA256,
 *               TEE_TYPE_GENERIC_SECRET (8..4096 bits, multiple of 8)
 *   ciphers     TEE_ALG_AES_ECB_NOPAD, TEE_ALG_AES_CBC_NOPAD, TEE_ALG_AES_CTR
 *   AE          TEE_ALG_AES_GCM (tags of 96..128 bits, any nonce length >= 1)
 *   digests     TEE_ALG_SHA1, TEE_ALG_SHA256
 *   MACs        TEE_ALG_HMAC_SHA1, TEE_ALG_HMAC_SHA256
 * Other algorithms make TEE_AllocateOperation return TEE_ERROR_NOT_SUPPORTED;
 * persistent objects and asymmetric operations come with later issues.
 *
 * Lengths are size_t, as in GP v1.2+ and current OP-TEE. Where GP says a
 * misuse "panics" (bad handle, wrong state or mode, missing key), the TA
 * instance is ended with TEE_Panic, as on a device.
 */
#ifndef TEE_API_CRYPTO_H
#define TEE_API_CRYPTO_H

#include "tee_api_crypto_defines.h"
#include "tee_api_types.h"

typedef uint32_t TEE_ObjectType;
typedef uint32_t TEE_OperationMode;

/* One attribute of an object: a buffer (ref) or a pair of values. */
typedef struct {
	uint32_t attributeID;
	union {
		struct {
			void *buffer;
			size_t length;
		} ref;
		struct {
			uint32_t a;
			uint32_t b;
		} value;
	} content;
} TEE_Attribute;

typedef struct {
	uint32_t objectType;
	uint32_t objectSize;    /* key size in bits; 0 while uninitialized */
	uint32_t maxObjectSize; /* as given to TEE_AllocateTransientObject */
	uint32_t objectUsage;   /* TEE_USAGE_* */
	uint32_t dataSize;      /* persistent objects (later) */
	uint32_t dataPosition;  /* persistent objects (later) */
	uint32_t handleFlags;   /* TEE_HANDLE_FLAG_* */
} TEE_ObjectInfo;

typedef struct {
	uint32_t algorithm;
	uint32_t operationClass;
	uint32_t mode;
	uint32_t digestLength;     /* bytes of a digest/MAC/tag result, else 0 */
	uint32_t maxKeySize;       /* bits */
	uint32_t keySize;          /* bits of the key set, else 0 */
	uint32_t requiredKeyUsage; /* TEE_USAGE_* the key must allow */
	uint32_t handleState;      /* TEE_HANDLE_FLAG_* */
} TEE_OperationInfo;

typedef struct {
	uint32_t keySize;
	uint32_t requiredKeyUsage;
} TEE_OperationInfoKey;

typedef struct {
	uint32_t algorithm;
	uint32_t operationClass;
	uint32_t mode;
	uint32_t digestLength;
	uint32_t maxKeySize;
	uint32_t handleState;
	uint32_t operationState; /* TEE_OPERATION_STATE_* */
	uint32_t numberOfKeys;
	TEE_OperationInfoKey keyInformation[];
} TEE_OperationInfoMultiple;

/* ---- Generic object functions ---- */
TEE_Result TEE_GetObjectInfo1(TEE_ObjectHandle object, TEE_ObjectInfo *objectInfo);
void TEE_GetObjectInfo(TEE_ObjectHandle object, TEE_ObjectInfo *objectInfo);
TEE_Result TEE_RestrictObjectUsage1(TEE_ObjectHandle object, uint32_t objectUsage);
void TEE_RestrictObjectUsage(TEE_ObjectHandle object, uint32_t objectUsage);
TEE_Result TEE_GetObjectBufferAttribute(TEE_ObjectHandle object, uint32_t attributeID,
					void *buffer, size_t *size);
TEE_Result TEE_GetObjectValueAttribute(TEE_ObjectHandle object, uint32_t attributeID,
				       uint32_t *a, uint32_t *b);
void TEE_CloseObject(TEE_ObjectHandle object);

/* ---- Transient objects ---- */
TEE_Result TEE_AllocateTransientObject(TEE_ObjectType objectType, uint32_t maxObjectSize,
				       TEE_ObjectHandle *object);
void TEE_FreeTransientObject(TEE_ObjectHandle object);
void TEE_ResetTransientObject(TEE_ObjectHandle object);
TEE_Result TEE_PopulateTransientObject(TEE_ObjectHandle object, const TEE_Attribute *attrs,
				       uint32_t attrCount);
void TEE_InitRefAttribute(TEE_Attribute *attr, uint32_t attributeID, const void *buffer,
			  size_t length);
void TEE_InitValueAttribute(TEE_Attribute *attr, uint32_t attributeID, uint32_t a, uint32_t b);
TEE_Result TEE_CopyObjectAttributes1(TEE_ObjectHandle destObject, TEE_ObjectHandle srcObject);
void TEE_CopyObjectAttributes(TEE_ObjectHandle destObject, TEE_ObjectHandle srcObject);
TEE_Result TEE_GenerateKey(TEE_ObjectHandle object, uint32_t keySize, const TEE_Attribute *params,
			   uint32_t paramCount);

/* ---- Generic operation functions ---- */
TEE_Result TEE_AllocateOperation(TEE_OperationHandle *operation, uint32_t algorithm,
				 uint32_t mode, uint32_t maxKeySize);
void TEE_FreeOperation(TEE_OperationHandle operation);
void TEE_GetOperationInfo(TEE_OperationHandle operation, TEE_OperationInfo *operationInfo);
TEE_Result TEE_GetOperationInfoMultiple(TEE_OperationHandle operation,
					TEE_OperationInfoMultiple *operationInfoMultiple,
					size_t *operationSize);
void TEE_ResetOperation(TEE_OperationHandle operation);
TEE_Result TEE_SetOperationKey(TEE_OperationHandle operation, TEE_ObjectHandle key);
TEE_Result TEE_IsAlgorithmSupported(uint32_t algId, uint32_t element);

/* ---- Message digests ---- */
void TEE_DigestUpdate(TEE_OperationHandle operation, const void *chunk, size_t chunkSize);
TEE_Result TEE_DigestDoFinal(TEE_OperationHandle operation, const void *chunk, size_t chunkLen,
			     void *hash, size_t *hashLen);

/* ---- Symmetric ciphers ---- */
void TEE_CipherInit(TEE_OperationHandle operation, const void *IV, size_t IVLen);
TEE_Result TEE_CipherUpdate(TEE_OperationHandle operation, const void *srcData, size_t srcLen,
			    void *destData, size_t *destLen);
TEE_Result TEE_CipherDoFinal(TEE_OperationHandle operation, const void *srcData, size_t srcLen,
			     void *destData, size_t *destLen);

/* ---- MACs ---- */
void TEE_MACInit(TEE_OperationHandle operation, const void *IV, size_t IVLen);
void TEE_MACUpdate(TEE_OperationHandle operation, const void *chunk, size_t chunkSize);
TEE_Result TEE_MACComputeFinal(TEE_OperationHandle operation, const void *message,
			       size_t messageLen, void *mac, size_t *macLen);
TEE_Result TEE_MACCompareFinal(TEE_OperationHandle operation, const void *message,
			       size_t messageLen, const void *mac, size_t macLen);

/* ---- Authenticated encryption ---- */
/* tagLen is in bits; AADLen and payloadLen matter for CCM only. */
TEE_Result TEE_AEInit(TEE_OperationHandle operation, const void *nonce, size_t nonceLen,
		      uint32_t tagLen, size_t AADLen, size_t payloadLen);
void TEE_AEUpdateAAD(TEE_OperationHandle operation, const void *AADdata, size_t AADdataLen);
TEE_Result TEE_AEUpdate(TEE_OperationHandle operation, const void *srcData, size_t srcLen,
			void *destData, size_t *destLen);
TEE_Result TEE_AEEncryptFinal(TEE_OperationHandle operation, const void *srcData, size_t srcLen,
			      void *destData, size_t *destLen, void *tag, size_t *tagLen);
TEE_Result TEE_AEDecryptFinal(TEE_OperationHandle operation, const void *srcData, size_t srcLen,
			      void *destData, size_t *destLen, const void *tag, size_t tagLen);

#endif /* TEE_API_CRYPTO_H */
