/*
 * Operations: allocation, keys, reset, information.
 *
 * Everything an operation needs later (OpenSSL context, room for the key) is
 * allocated here, so that the update/final calls never allocate and cannot
 * fail for lack of memory, as GP expects. The key schedule is computed once
 * per TEE_SetOperationKey; TEE_CipherInit/TEE_AEInit only load the IV.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>

#include "tee_api_crypto_internal.h"

static bool mode_ok(const struct tee_crypto_alg *a, uint32_t mode)
{
	switch (a->op_class) {
	case TEE_OPERATION_CIPHER:
	case TEE_OPERATION_AE:
		return mode == TEE_MODE_ENCRYPT || mode == TEE_MODE_DECRYPT;
	case TEE_OPERATION_MAC:
		return mode == TEE_MODE_MAC;
	case TEE_OPERATION_DIGEST:
		return mode == TEE_MODE_DIGEST;
	default:
		return false;
	}
}

static uint32_t required_usage(const struct tee_crypto_alg *a, uint32_t mode)
{
	switch (a->op_class) {
	case TEE_OPERATION_CIPHER:
	case TEE_OPERATION_AE:
		return mode == TEE_MODE_ENCRYPT ? TEE_USAGE_ENCRYPT : TEE_USAGE_DECRYPT;
	case TEE_OPERATION_MAC:
		return TEE_USAGE_MAC;
	default:
		return 0;
	}
}

static void op_destroy(struct __TEE_OperationHandle *op)
{
	if (op->key) {
		OPENSSL_cleanse(op->key, op->key_cap);
		free(op->key);
	}
	EVP_CIPHER_CTX_free(op->cctx); /* also wipes the key schedule */
	EVP_CIPHER_free(op->cipher);
	EVP_MD_CTX_free(op->mdctx);
	EVP_MD_free(op->md);
	EVP_MAC_CTX_free(op->macctx);
	free(op);
}

/* Creates the OpenSSL state of a new operation; false on failure. */
static bool op_create_backend(struct __TEE_OperationHandle *op)
{
	const struct tee_crypto_alg *a = op->alg;

	switch (a->impl) {
	case TEE_CRYPTO_IMPL_ECB:
	case TEE_CRYPTO_IMPL_CBC:
	case TEE_CRYPTO_IMPL_CTR:
	case TEE_CRYPTO_IMPL_GCM:
		op->cctx = EVP_CIPHER_CTX_new();
		return op->cctx != NULL;
	case TEE_CRYPTO_IMPL_DIGEST:
		op->md = EVP_MD_fetch(NULL, a->md_name, NULL);
		op->mdctx = EVP_MD_CTX_new();
		return op->md && op->mdctx && EVP_DigestInit_ex(op->mdctx, op->md, NULL) == 1;
	case TEE_CRYPTO_IMPL_HMAC: {
		EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
		OSSL_PARAM params[2];

		if (!mac)
			return false;
		op->macctx = EVP_MAC_CTX_new(mac);
		EVP_MAC_free(mac); /* the context keeps its own reference */
		params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
							     (char *)a->md_name, 0);
		params[1] = OSSL_PARAM_construct_end();
		return op->macctx && EVP_MAC_CTX_set_params(op->macctx, params) == 1;
	}
	}
	return false;
}

TEE_Result TEE_AllocateOperation(TEE_OperationHandle *operation, uint32_t algorithm,
				 uint32_t mode, uint32_t maxKeySize)
{
	const struct tee_crypto_alg *a = tee_crypto_alg_find(algorithm);
	struct __TEE_OperationHandle *op;

	if (!operation)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "operation is NULL");
	*operation = TEE_HANDLE_NULL;
	if (!a || !mode_ok(a, mode))
		return TEE_ERROR_NOT_SUPPORTED;
	if (a->op_class == TEE_OPERATION_DIGEST) {
		maxKeySize = 0; /* digests take no key */
	} else {
		const struct tee_crypto_type *t = tee_crypto_type_find(a->key_type);

		if (!t || !tee_crypto_type_size_ok(t, maxKeySize))
			return TEE_ERROR_NOT_SUPPORTED;
	}

	op = calloc(1, sizeof(*op));
	if (!op)
		return TEE_ERROR_OUT_OF_MEMORY;
	op->alg = a;
	op->info.algorithm = algorithm;
	op->info.operationClass = a->op_class;
	op->info.mode = mode;
	op->info.digestLength = a->digest_len;
	op->info.maxKeySize = maxKeySize;
	op->info.requiredKeyUsage = required_usage(a, mode);
	op->state = TEE_OPERATION_STATE_INITIAL;
	if (maxKeySize) {
		op->key_cap = maxKeySize / 8;
		op->key = calloc(1, op->key_cap);
		if (!op->key) {
			op_destroy(op);
			return TEE_ERROR_OUT_OF_MEMORY;
		}
	}
	if (!op_create_backend(op)) {
		op_destroy(op);
		return TEE_ERROR_OUT_OF_MEMORY;
	}
	/* A digest needs no key and no init call. */
	if (a->op_class == TEE_OPERATION_DIGEST)
		op->info.handleState = TEE_HANDLE_FLAG_KEY_SET | TEE_HANDLE_FLAG_INITIALIZED;
	tee_crypto_op_register(op);
	*operation = op;
	return TEE_SUCCESS;
}

void TEE_FreeOperation(TEE_OperationHandle operation)
{
	struct __TEE_OperationHandle *op;

	if (operation == TEE_HANDLE_NULL)
		return;
	op = tee_crypto_op_get(operation, __func__);
	tee_crypto_op_unregister(op);
	op_destroy(op);
}

void TEE_GetOperationInfo(TEE_OperationHandle operation, TEE_OperationInfo *operationInfo)
{
	struct __TEE_OperationHandle *op = tee_crypto_op_get(operation, __func__);

	if (!operationInfo)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "operationInfo is NULL");
	*operationInfo = op->info;
}

TEE_Result TEE_GetOperationInfoMultiple(TEE_OperationHandle operation,
					TEE_OperationInfoMultiple *operationInfoMultiple,
					size_t *operationSize)
{
	struct __TEE_OperationHandle *op = tee_crypto_op_get(operation, __func__);
	uint32_t nkeys = op->info.operationClass == TEE_OPERATION_DIGEST ? 0 : 1;
	size_t need = sizeof(TEE_OperationInfoMultiple) + nkeys * sizeof(TEE_OperationInfoKey);
	TEE_OperationInfoMultiple *m = operationInfoMultiple;

	if (!operationSize)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "operationSize is NULL");
	if (!m || *operationSize < need) {
		*operationSize = need;
		return TEE_ERROR_SHORT_BUFFER;
	}
	m->algorithm = op->info.algorithm;
	m->operationClass = op->info.operationClass;
	m->mode = op->info.mode;
	m->digestLength = op->info.digestLength;
	m->maxKeySize = op->info.maxKeySize;
	m->handleState = op->info.handleState;
	m->operationState = op->state;
	m->numberOfKeys = nkeys;
	if (nkeys) {
		m->keyInformation[0].keySize = op->info.keySize;
		m->keyInformation[0].requiredKeyUsage = op->info.requiredKeyUsage;
	}
	*operationSize = need;
	return TEE_SUCCESS;
}

void TEE_ResetOperation(TEE_OperationHandle operation)
{
	struct __TEE_OperationHandle *op = tee_crypto_op_get(operation, __func__);

	if (!(op->info.handleState & TEE_HANDLE_FLAG_KEY_SET))
		CRYPTO_PANIC(TEE_ERROR_BAD_STATE, "no key set");
	if (op->info.operationClass == TEE_OPERATION_DIGEST &&
	    EVP_DigestInit_ex(op->mdctx, op->md, NULL) != 1)
		CRYPTO_PANIC(TEE_ERROR_GENERIC, "EVP_DigestInit_ex failed");
	tee_crypto_op_to_initial(op);
}

/* Loads the key into the OpenSSL cipher context (key schedule once). */
static TEE_Result cipher_set_key(struct __TEE_OperationHandle *op)
{
	static const char *const mode_names[] = {
		[TEE_CRYPTO_IMPL_ECB] = "ECB",
		[TEE_CRYPTO_IMPL_CBC] = "CBC",
		[TEE_CRYPTO_IMPL_CTR] = "CTR",
		[TEE_CRYPTO_IMPL_GCM] = "GCM",
	};
	char name[32];
	int enc = op->info.mode == TEE_MODE_ENCRYPT;

	snprintf(name, sizeof(name), "AES-%zu-%s", op->key_len * 8, mode_names[op->alg->impl]);
	EVP_CIPHER_free(op->cipher);
	op->cipher = EVP_CIPHER_fetch(NULL, name, NULL);
	if (!op->cipher || EVP_CipherInit_ex(op->cctx, op->cipher, NULL, op->key, NULL, enc) != 1)
		return TEE_ERROR_GENERIC;
	/* The NOPAD modes: the TA supplies whole blocks, OpenSSL must not pad. */
	if ((op->alg->impl == TEE_CRYPTO_IMPL_ECB || op->alg->impl == TEE_CRYPTO_IMPL_CBC) &&
	    EVP_CIPHER_CTX_set_padding(op->cctx, 0) != 1)
		return TEE_ERROR_GENERIC;
	return TEE_SUCCESS;
}

static void op_clear_key(struct __TEE_OperationHandle *op)
{
	if (op->key)
		OPENSSL_cleanse(op->key, op->key_cap);
	op->key_len = 0;
	op->info.keySize = 0;
	op->info.handleState &= ~(uint32_t)TEE_HANDLE_FLAG_KEY_SET;
	/* Drop the key schedule too. */
	if (op->cctx)
		(void)EVP_CIPHER_CTX_reset(op->cctx); /* cannot fail on a live context */
}

TEE_Result TEE_SetOperationKey(TEE_OperationHandle operation, TEE_ObjectHandle key)
{
	struct __TEE_OperationHandle *op = tee_crypto_op_get(operation, __func__);
	const struct __TEE_ObjectHandle *k;
	const struct tee_crypto_attr *secret;
	uint32_t type;

	if (op->info.operationClass == TEE_OPERATION_DIGEST)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "digest operations take no key");
	if (op->state != TEE_OPERATION_STATE_INITIAL)
		CRYPTO_PANIC(TEE_ERROR_BAD_STATE, "operation is active");
	if (key == TEE_HANDLE_NULL) {
		op_clear_key(op);
		return TEE_SUCCESS;
	}
	k = tee_crypto_obj_get(key, __func__);
	if (!(k->info.handleFlags & TEE_HANDLE_FLAG_INITIALIZED))
		CRYPTO_PANIC(TEE_ERROR_BAD_STATE, "key object not initialized");
	type = k->info.objectType;
	if (type != op->alg->key_type &&
	    !(op->alg->impl == TEE_CRYPTO_IMPL_HMAC && type == TEE_TYPE_GENERIC_SECRET))
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "key type 0x%08x does not fit algorithm 0x%08x",
			     (unsigned)type, (unsigned)op->info.algorithm);
	if (k->info.objectSize > op->info.maxKeySize)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "key of %u bits exceeds maxKeySize %u",
			     (unsigned)k->info.objectSize, (unsigned)op->info.maxKeySize);
	if ((k->info.objectUsage & op->info.requiredKeyUsage) != op->info.requiredKeyUsage)
		CRYPTO_PANIC(TEE_ERROR_ACCESS_DENIED, "key usage 0x%08x lacks 0x%08x",
			     (unsigned)k->info.objectUsage, (unsigned)op->info.requiredKeyUsage);
	secret = tee_crypto_obj_attr(k, TEE_ATTR_SECRET_VALUE);
	if (!secret || secret->len > op->key_cap)
		CRYPTO_PANIC(TEE_ERROR_BAD_STATE, "key object has no usable secret");

	op_clear_key(op);
	memcpy(op->key, secret->buf, secret->len);
	op->key_len = secret->len;
	if (op->cctx && cipher_set_key(op) != TEE_SUCCESS) {
		op_clear_key(op);
		return TEE_ERROR_GENERIC;
	}
	op->info.keySize = k->info.objectSize;
	op->info.handleState |= TEE_HANDLE_FLAG_KEY_SET;
	return TEE_SUCCESS;
}
